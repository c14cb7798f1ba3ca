package dev.breakglass.bot.scheduling;

import dev.breakglass.bot.audit.AuditEntry;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Revocation never waits behind another target, with real Quartz as the app runs it: six grants on a target whose
 * revoke hangs for minutes do not delay a healthy target's revocation, whether their expiry timers fire or the
 * sweeper finds them overdue; and the revocation lag counts a slow revoke in full.
 */
class SlowTargetsTest {
    private static final String WHY = "orders DB is down, need to restart the replica";
    /** Generous: today the healthy grant waits minutes; with bulkheads it ends within a second or two. */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    private WebhookReceiver slow;
    private WebhookReceiver healthy;
    private RunningBot bot;
    private Workflow flow;

    private static String target(String name, WebhookReceiver receiver) {
        return "  " + name + ":\n    adapter: webhook\n    max-duration: 1h\n    requesters: [U0ALICE]\n"
                + "    approvers: [U0BOB]\n    settings:\n      url: " + receiver.url() + "\n      secret: "
                + WebhookReceiver.SECRET + "\n      timeout: 2m\n      retries: 1\n";
    }

    @BeforeEach
    void receivers() {
        slow = new WebhookReceiver();
        healthy = new WebhookReceiver();
    }

    private void start(String sweepEvery) {
        String policy = "channels:\n  approvals: C0APPROVALS\n  notify: [C0SECURITY]\ntargets:\n"
                + target("slow-db", slow) + target("orders-db", healthy);
        bot = RunningBot.builder().policy(policy).property("breakglass.sweep-interval", sweepEvery)
                .start().awaitHealthy(Duration.ofSeconds(30));
        flow = new Workflow(bot);
    }

    @AfterEach
    void stop() {
        slow.close();
        healthy.close();
        if (bot != null) {
            bot.close();
        }
    }

    private GrantId active(String target) {
        GrantId id = flow.request(ALICE, target + " 30m " + WHY);
        flow.click(BOB, flow.card(id), GrantCard.APPROVE, id);
        flow.awaitState(id, GrantState.ACTIVE);
        flow.awaitTimer(id, "expire");
        return id;
    }

    /** Six grants on the hanging target, then one on the healthy one, all 30 minutes long. */
    private List<GrantId> sixSlowThenOneHealthy() {
        List<GrantId> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(active("slow-db"));
        }
        ids.add(active("orders-db"));
        slow.hangRevokes();
        return ids;
    }

    private void awaitRevokeCalls(WebhookReceiver receiver, int n) {
        RunningBot.await(PROMPTLY, () -> receiver.calls("revoke").size() >= n,
                () -> receiver.calls("revoke").size() + " revoke calls, not " + n);
    }

    @Test
    void expiryTimersOnAHangingTargetDoNotDelayAHealthyTargetsRevocation() {
        start("1h");
        List<GrantId> ids = sixSlowThenOneHealthy();
        GrantId ok = ids.get(6);
        bot.clock().advance(Duration.ofMinutes(30).plusSeconds(1));
        // All seven windows end together: the timers fire as Quartz fires them when due, the slow ones first.
        ids.subList(0, 6).forEach(id -> flow.fire(id, "expire"));
        awaitRevokeCalls(slow, 4);
        flow.fire(ok, "expire");

        Grant ended = flow.awaitStateWithin(ok, GrantState.EXPIRED, PROMPTLY);
        assertFalse(healthy.live(ok.toString()));
        assertTrue(slow.calls("revoke").size() >= 4, "the slow revokes were hanging meanwhile");
        ids.subList(0, 6).forEach(id -> assertEquals(GrantState.ACTIVE, flow.grant(id).state(), id + " still hangs"));
        assertTrue(ended.revocation().endedAt().isPresent());
    }

    @Test
    void theSweeperRevokesOverdueGrantsSideBySide() {
        start("1s");
        List<GrantId> ids = sixSlowThenOneHealthy();
        GrantId ok = ids.get(6);
        bot.clock().advance(Duration.ofMinutes(30).plusSeconds(1));
        // No timer fires (they are due in real time, 30 minutes from now): only the sweeper finds them overdue.
        flow.awaitStateWithin(ok, GrantState.EXPIRED, PROMPTLY);
        awaitRevokeCalls(slow, 4);
        assertFalse(healthy.live(ok.toString()));
    }

    @Test
    void theLagRecordedIncludesASlowRevokesDuration() {
        start("1h");
        GrantId id = active("orders-db");
        healthy.slowRevokes(Duration.ofMillis(2500));
        bot.clock().advance(Duration.ofMinutes(30).plusSeconds(1));
        flow.fire(id, "expire");
        flow.awaitState(id, GrantState.EXPIRED);
        JdbcAuditLog audit = bot.bean(JdbcAuditLog.class);
        RunningBot.await(Workflow.WAIT, () -> audit.forGrant(id.value()).stream()
                .anyMatch(e -> e.type().equals("Expired")), () -> "no Expired entry");
        AuditEntry expired = audit.forGrant(id.value()).stream().filter(e -> e.type().equals("Expired")).findFirst()
                .orElseThrow();
        long lag = ((Number) expired.details().get("lag_ms")).longValue();
        assertTrue(lag >= 3500, "1 s past the end, plus the revoke's 2.5 s: " + lag + " ms");
        String metrics = bot.get("/metrics").body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("breakglass_revocation_lag_seconds_sum")
                && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 3.5), metrics.lines()
                .filter(l -> l.contains("revocation_lag_seconds_sum")).toList().toString());
    }
}

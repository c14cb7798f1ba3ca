package dev.breakglass.bot;

import dev.breakglass.bot.persistence.JdbcGrantStore;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.transport.SlackDelivery;
import dev.breakglass.bot.sandbox.SlackEmulator;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.BotProcess;
import dev.breakglass.bot.testing.ClusterEnv;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.bot.testing.ToldOnce;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged bot as real processes on one PostgreSQL, killed with SIGKILL while access is due to end: every
 * access still ends, within seconds of a process being back, and no target sees a revoke twice; every event of it
 * is audited once, in order, and told once in every notify channel.
 */
class RevocationSurvivesCrashIT {
    private static final String WHY = "orders database down, restoring the replica";
    @TempDir
    Path dir;
    private TestDatabase db;
    private WebhookReceiver receiver;
    private SlackEmulator slack;
    private JdbcGrantStore grants;
    private final List<BotProcess> bots = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = TestDatabase.postgres();
        receiver = new WebhookReceiver();
        slack = SlackEmulator.sandbox(RunningBot.BOT_TOKEN, null, Clock.systemUTC());
        grants = db.grants();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (BotProcess bot : bots) {
            bot.close();
        }
        slack.close();
        receiver.close();
        db.close();
    }

    private BotProcess bot(String instance) throws Exception {
        Map<String, String> env = ClusterEnv.of(db, slack, receiver, dir, instance);
        env.put("BREAKGLASS_SWEEP_INTERVAL", "2s");
        env.put("BREAKGLASS_REVOCATION_LEASE", "10s");
        // Four calls of a revocation must fit in the lease (checked at start).
        env.put("BREAKGLASS_TARGETS_CALL_TIMEOUT", "2s");
        BotProcess bot = new BotProcess(env, dir.resolve("bot-" + instance + ".log"));
        bots.add(bot);
        return bot;
    }

    private SlackDelivery via(BotProcess bot) {
        return slack.httpDelivery(bot.url("/slack/events"), RunningBot.SIGNING_SECRET);
    }

    /** Requests through one process, approves through another (or the same), as people would. */
    private GrantId request(BotProcess asked, String duration) {
        String reply = via(asked).slashCommand(Workflow.ALICE, "C0GENERAL", "request orders-db " + duration + " " + WHY)
                .json().path("text").asText();
        return Workflow.idIn(reply);
    }

    private void approve(BotProcess clicked, GrantId id) {
        RunningBot.await(Workflow.WAIT, () -> card(id).isPresent(), () -> "no card for " + id);
        Message card = card(id).orElseThrow();
        via(clicked).blockAction(Workflow.BOB, card.channel(), card.ts(), GrantCard.APPROVE, id.toString());
    }

    private Optional<Message> card(GrantId id) {
        return slack.messages(Workflow.APPROVALS).stream().filter(m -> m.blocks() != null
                && m.blocks().path(0).path("text").path("text").asText().endsWith(" " + id)).findFirst();
    }

    private Grant grant(GrantId id) {
        return grants.find(id).orElseThrow();
    }

    private void awaitAll(List<GrantId> ids, GrantState state, Duration timeout) {
        awaitAll(ids, EnumSet.of(state), timeout);
    }

    private void awaitAll(List<GrantId> ids, java.util.Set<GrantState> states, Duration timeout) {
        RunningBot.await(timeout, () -> ids.stream().allMatch(id -> states.contains(grant(id).state())),
                () -> ids.stream().filter(id -> !states.contains(grant(id).state())).count() + " of " + ids.size()
                        + " not " + states + ", e.g. " + ids.stream().map(this::grant)
                        .filter(g -> !states.contains(g.state())).findFirst()
                        .map(g -> g.id() + " " + g.state() + " " + g.revocation()).orElse(""));
    }

    private void assertEachRevokedOnce(List<GrantId> ids) {
        for (GrantId id : ids) {
            assertEquals(1, receiver.calls("revoke", id.toString()).size(), id + " revoke calls");
            assertTrue(!receiver.live(id.toString()), id + " still live at the target");
        }
    }

    @Test
    void accessThatExpiresWhileTheBotIsDeadIsRevokedWithinSecondsOfItsRestartAndNeverTwice() throws Exception {
        BotProcess bot = bot("a").start().awaitHealthy(Duration.ofSeconds(90));
        List<GrantId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(request(bot, (12 + i) + "s"));
        }
        ids.forEach(id -> approve(bot, id));
        awaitAll(ids, GrantState.ACTIVE, Duration.ofSeconds(30));

        bot.kill9();
        Instant lastExpiry = ids.stream().map(id -> grant(id).expiresAt().orElseThrow()).max(Instant::compareTo)
                .orElseThrow();
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), lastExpiry).toMillis()) + 3000);
        for (GrantId id : ids) {
            assertEquals(GrantState.ACTIVE, grant(id).state(), "nobody revoked while the bot was dead");
            assertTrue(receiver.live(id.toString()));
        }

        Instant restarted = Instant.now();
        bot.start();
        awaitAll(ids, GrantState.EXPIRED, Duration.ofSeconds(60));
        Duration took = Duration.between(restarted, ids.stream().map(id -> grant(id).revocation().endedAt()
                .orElseThrow()).max(Instant::compareTo).orElseThrow());
        System.out.println("Revoked " + ids.size() + " overdue grants " + took.toMillis()
                + " ms after the process was started again (JVM start included)");
        // Generous for a loaded CI machine; the printed figure is the measurement.
        assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "within seconds of the restart: " + took);
        assertEachRevokedOnce(ids);
    }

    @Test
    void twoProcessesShareTwoHundredExpiriesAndOneIsKilledMidwayEachRevokedExactlyOnce() throws Exception {
        BotProcess a = bot("a").start();
        BotProcess b = bot("b").start();
        a.awaitHealthy(Duration.ofSeconds(90));
        b.awaitHealthy(Duration.ofSeconds(90));
        List<GrantId> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(request(i % 2 == 0 ? a : b, (40 + i % 20) + "s"));
        }
        for (int i = 0; i < ids.size(); i++) {
            approve(i % 2 == 0 ? b : a, ids.get(i));
        }
        // Provisioned: on a loaded machine the first may already have expired while the last are approved.
        awaitAll(ids, EnumSet.of(GrantState.ACTIVE, GrantState.EXPIRED), Duration.ofSeconds(120));
        assertEquals(200, receiver.calls("grant").size(), "each provisioned once");

        Instant firstExpiry = ids.stream().map(id -> grant(id).expiresAt().orElseThrow()).min(Instant::compareTo)
                .orElseThrow();
        Instant lastExpiry = ids.stream().map(id -> grant(id).expiresAt().orElseThrow()).max(Instant::compareTo)
                .orElseThrow();
        System.out.println("200 grants expire between " + firstExpiry + " and " + lastExpiry);
        RunningBot.await(Duration.ofSeconds(120), () -> grants.findByState(EnumSet.of(GrantState.EXPIRED)).size() >= 20,
                () -> "expiry did not start");
        b.kill9();
        int endedBeforeKill = grants.findByState(EnumSet.of(GrantState.EXPIRED)).size();
        System.out.println("Killed one process with " + endedBeforeKill + " of 200 expired");
        assertTrue(endedBeforeKill < 200, "killed midway, not after");

        awaitAll(ids, GrantState.EXPIRED, Duration.ofSeconds(120));
        assertEachRevokedOnce(ids);
        long lagMax = ids.stream().mapToLong(id -> Duration.between(grant(id).expiresAt().orElseThrow(),
                grant(id).revocation().endedAt().orElseThrow()).toMillis()).max().orElseThrow();
        System.out.println("Largest expiry-to-removal delay with one process killed: " + lagMax + " ms");
        ToldOnce.assertEachEventToldOnce(db, slack, ids, Duration.ofSeconds(120));
    }
}

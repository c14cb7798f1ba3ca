package dev.breakglass.bot.slack;

import dev.breakglass.bot.audit.AuditEntry;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.BotExtension;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.grant.NewGrant;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.GrantStore;
import dev.breakglass.port.TargetRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No orphaned access, on the real PostgreSQL with a real webhook target: credentials that cannot be stored take
 * the access back (ROLLED_BACK, everyone told, audited), and access a dead process made but never recorded as
 * active is found by the sweeper and revoked.
 */
class NoOrphanedAccessFlowTest {
    private static final String WHY = "orders DB is down, need to restart the replica";

    @RegisterExtension
    final BotExtension running = BotExtension.with((bot, receiver) -> bot.policy(Workflow.policy(receiver))
            .property("breakglass.sweep-interval", "1s")).onPostgres();

    private TestDatabase db;
    private WebhookReceiver receiver;
    private RunningBot bot;
    private Workflow flow;

    private List<String> audited(GrantId id) {
        bot.settle();
        return bot.bean(JdbcAuditLog.class).forGrant(id.value()).stream().map(AuditEntry::type).toList();
    }

    private void awaitAudited(GrantId id, String type) {
        RunningBot.await(Workflow.WAIT, () -> audited(id).contains(type), () -> "no " + type + " in " + audited(id));
    }

    @Test
    void credentialsThatAreNotValidUnicodeFailTheGrantClearlyAndTheAccessIsTakenBack() {
        receiver.handOut("pw\\ud800-cut");
        GrantId id = flow.request(ALICE, "orders-db:admin 30m " + WHY);
        flow.click(BOB, flow.card(id), GrantCard.APPROVE, id);
        Grant rolledBack = flow.awaitState(id, GrantState.ROLLED_BACK);

        assertEquals(Optional.of("the credentials from orders-db cannot be stored: the credential \"password\" is not"
                + " valid Unicode text"), rolledBack.reason());
        assertEquals(1, receiver.calls("grant", id.toString()).size());
        assertEquals(1, receiver.calls("revoke", id.toString()).size(), "taken back at the target");
        assertFalse(receiver.live(id.toString()));
        assertTrue(rolledBack.revocation().endedAt().isPresent());
        flow.awaitCard(id, "Provisioning rolled back: the credentials from orders-db cannot be stored");
        flow.awaitDirectMessage(ALICE, id, "it was taken back: nothing was left behind");
        RunningBot.await(Workflow.WAIT, () -> bot.slack().messages("C0SECURITY").stream()
                        .anyMatch(m -> m.text().contains(id + "") && m.text().contains("provisioning rolled back")),
                () -> "no notice in C0SECURITY: " + bot.slack().messages("C0SECURITY").stream().map(Message::text).toList());
        awaitAudited(id, "RolledBack");
        assertFalse(audited(id).contains("Activated"), "never active");
    }

    @Test
    void accessADeadProcessMadeButNeverRecordedIsRevokedByTheSweeper() throws Exception {
        GrantStore store = bot.bean(GrantStore.class);
        Instant now = bot.clock().instant();
        // A grant a process approved, marked PROVISIONING, and asked the target for; then it died.
        Grant g = store.create(new NewGrant(ALICE, "orders-db", Optional.of("admin"), Duration.ofMinutes(30), WHY,
                Optional.empty(), 1, now), saved -> java.util.List.of());
        g = store.update(g.approvedBy(BOB, now), saved -> java.util.List.of()).orElseThrow();
        g = store.update(g.provisioningStarted(now, now.plus(Duration.ofMinutes(2))), saved -> java.util.List.of()).orElseThrow();
        bot.bean(TargetRegistry.class).adapter("orders-db").orElseThrow().grant(new GrantRequest(g.id(), "orders-db",
                g.role(), ALICE, Optional.empty(), now.plus(g.duration()), WHY));
        GrantId id = g.id();
        assertTrue(receiver.live(id.toString()), "the target holds the access");

        Thread.sleep(2_500);
        assertEquals(GrantState.PROVISIONING, flow.grant(id).state(), "within its lease the process may still work");
        assertTrue(receiver.calls("revoke", id.toString()).isEmpty());

        bot.clock().advance(Duration.ofMinutes(2).plusSeconds(1));
        Grant rolledBack = flow.awaitState(id, GrantState.ROLLED_BACK);
        assertFalse(receiver.live(id.toString()), "the orphaned access is gone");
        List<String> actions = receiver.calls().stream().filter(c -> c.path("grant_id").asText().equals(id.toString()))
                .map(c -> c.path("action").asText()).toList();
        assertEquals(List.of("grant", "verify", "revoke", "verify"), actions, "asked first, then revoked");
        assertTrue(rolledBack.reason().orElseThrow().startsWith("provisioning did not finish"));
        awaitAudited(id, "RolledBack");
    }
}

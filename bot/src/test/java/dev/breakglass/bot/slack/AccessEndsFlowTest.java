package dev.breakglass.bot.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.SlackView;
import dev.breakglass.bot.sandbox.transport.ViewInput;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.BotExtension;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static dev.breakglass.bot.testing.Workflow.CAROL;
import static dev.breakglass.bot.testing.Workflow.DAVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Access that always ends, driven through Slack: expiry, warnings, extend, I'm done, revoke, failing targets. */
class AccessEndsFlowTest {
    private static final String WHY = "orders DB is down, need to restart the replica";

    @RegisterExtension
    final BotExtension running = BotExtension.with((bot, receiver) -> bot.policy(Workflow.policy(receiver))
            .property("breakglass.revocation.first-retry", "1s")
            .property("breakglass.revocation.max-retry", "2s")
            .property("breakglass.sweep-interval", "1s"));

    private WebhookReceiver receiver;
    private RunningBot bot;
    private Workflow flow;

    private GrantId activeGrant(String duration) {
        GrantId id = flow.request(ALICE, "orders-db:admin " + duration + " " + WHY);
        flow.click(BOB, flow.card(id), GrantCard.APPROVE, id);
        flow.awaitState(id, GrantState.ACTIVE);
        if (!duration.endsWith("s")) {
            // Stored just after ACTIVE is saved; moving the clock before that would make them due at once.
            // (A seconds-long grant's timers may already have fired; those tests do not move the clock.)
            awaitTimer(id, "expire");
            awaitTimer(id, "warn");
        }
        return id;
    }

    /** Fires a stored timer now, as the poller does when it comes due. */
    private void fire(GrantId id, String due) {
        flow.fire(id, due);
    }

    private void awaitTimer(GrantId id, String due) {
        flow.awaitTimer(id, due);
    }

    private String metrics() {
        return bot.get("/metrics").body();
    }

    @Test
    void inRealTimeAccessIsRevokedAtExpiryAndTheLagIsMeasured() {
        GrantId id = activeGrant("3s");
        Grant active = flow.grant(id);
        assertTrue(receiver.live(id.toString()));
        Grant expired = flow.awaitState(id, GrantState.EXPIRED);
        Instant revokeCall = Instant.now();
        assertFalse(receiver.live(id.toString()), "the target no longer grants access");
        assertEquals(1, receiver.calls("revoke", id.toString()).size());
        assertTrue(expired.revocation().endedAt().orElseThrow().isAfter(active.expiresAt().orElseThrow()),
                "not before expires_at");
        assertTrue(revokeCall.isBefore(active.expiresAt().orElseThrow().plusSeconds(15)), "within seconds");
        flow.awaitCard(id, "Expired: access removed");
        flow.awaitDirectMessage(ALICE, id, "Your access has ended");
        RunningBot.await(Workflow.WAIT, () -> metrics().lines()
                        .anyMatch(l -> l.matches("breakglass_revocation_lag_seconds_count 1(\\.0)?")),
                () -> "no lag metric in: " + metrics().lines().filter(l -> l.contains("lag")).toList());
    }

    @Test
    void withAMovedClockTheSweeperRevokesWhatIsOverdue() {
        GrantId id = activeGrant("30m");
        bot.clock().advance(Duration.ofMinutes(30).plusSeconds(1));
        flow.awaitState(id, GrantState.EXPIRED);
        assertEquals(1, receiver.calls("revoke", id.toString()).size());
    }

    @Test
    void theWarningOffersExtendAndImDoneAndImDoneRevokesAtOnce() throws Exception {
        GrantId id = activeGrant("30m");
        bot.clock().advance(Duration.ofMinutes(25));
        fire(id, "warn");
        Message warning = flow.awaitDirectMessage(ALICE, id, "Extend it");
        assertEquals(List.of(GrantCard.EXTEND, GrantCard.DONE), Workflow.buttons(warning.blocks()));
        String done = flow.click(ALICE, warning, GrantCard.DONE, id);
        assertTrue(done.startsWith("Access of " + id + " removed"), done);
        Grant revoked = flow.grant(id);
        assertEquals(GrantState.REVOKED, revoked.state());
        assertEquals(Optional.of(ALICE), revoked.revocation().revokedBy());
        assertFalse(receiver.live(id.toString()));
        flow.awaitCard(id, "Revoked by <@U0ALICE>");
    }

    @Test
    void anExtensionIsAskedInAFormAndNeedsAPeersApproval() throws Exception {
        GrantId id = activeGrant("30m");
        Instant before = flow.grant(id).expiresAt().orElseThrow();
        bot.clock().advance(Duration.ofMinutes(25));
        fire(id, "warn");
        Message warning = flow.awaitDirectMessage(ALICE, id, "Extend it");
        flow.press(ALICE, warning, GrantCard.EXTEND, id);
        SlackView form = bot.slack().openModal(ALICE).orElseThrow();

        bot.deliver().viewSubmission(ALICE, form.id(), ViewInput.create()
                .plainText("duration", "duration_input", "45m")
                .plainText("justification", "justification_input", "the restore is still running, ETA 20m"));
        assertTrue(bot.slack().view(form.id()).orElseThrow().errors().path("duration").asText()
                .contains("would make 1h15m in total; the most for orders-db is 1h"), "beyond the maximum total");

        bot.deliver().viewSubmission(ALICE, form.id(), ViewInput.create()
                .plainText("duration", "duration_input", "20m")
                .plainText("justification", "justification_input", "the restore is still running, ETA 20m"));
        Message card = flow.awaitCard(id, "Extension requested:* 20m more");
        assertEquals(List.of(GrantCard.APPROVE_EXTENSION, GrantCard.DENY_EXTENSION, GrantCard.DONE),
                Workflow.buttons(card.blocks()));
        assertEquals(before, flow.grant(id).expiresAt().orElseThrow(), "nothing changes before approval");
        assertTrue(flow.click(ALICE, card, GrantCard.APPROVE_EXTENSION, id).contains("cannot approve your own"));
        assertTrue(flow.click(CAROL, card, GrantCard.APPROVE_EXTENSION, id).startsWith("You approved 20m more"));
        // The EXTEND timer fires at once and moves the end at the target first (the core's tests pin the order).
        flow.awaitDirectMessage(ALICE, id, "approved 20m more");
        assertEquals(before.plus(Duration.ofMinutes(20)), flow.grant(id).expiresAt().orElseThrow());
        List<JsonNode> extend = receiver.calls("extend", id.toString());
        assertEquals(1, extend.size());
        assertEquals(before.plus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS).toString(),
                extend.get(0).path("expires_at").asText(), "the target got the new end");

        String again = bot.deliver().slashCommand(ALICE, "C0GENERAL", "extend " + id + " 15m still restoring the "
                + "replica").json().path("text").asText();
        assertTrue(again.contains("would make 1h5m in total"), again);
    }

    @Test
    void anExtensionTheTargetRefusesKeepsTheOldEndAndTheRequesterIsTold() throws Exception {
        GrantId id = activeGrant("30m");
        Instant before = flow.grant(id).expiresAt().orElseThrow();
        receiver.refuseExtends();
        String asked = bot.deliver().slashCommand(ALICE, "C0GENERAL", "extend " + id + " 10m the restore is still "
                + "running").json().path("text").asText();
        assertTrue(asked.startsWith("Asked for 10m more"), asked);
        Message card = flow.awaitCard(id, "Extension requested:* 10m more");
        flow.click(CAROL, card, GrantCard.APPROVE_EXTENSION, id);

        flow.awaitDirectMessage(ALICE, id, "could not move the end of your access");
        Grant after = flow.grant(id);
        assertEquals(before, after.expiresAt().orElseThrow(), "the old end stays in force");
        assertTrue(after.extension().isEmpty());
        assertEquals(1, receiver.calls("extend", id.toString()).size());
        flow.awaitCard(id, "Active until " + java.time.format.DateTimeFormatter.ofPattern("HH:mm 'UTC'")
                .withZone(java.time.ZoneOffset.UTC).format(before));
    }

    @Test
    void revokeByCommandIsForTheRequesterApproversAndRevokersOnly() {
        GrantId id = activeGrant("30m");
        String outsider = flow.command(DAVE, "revoke " + id);
        assertTrue(outsider.contains("There is no grant " + id + " that you can see"), outsider);
        assertTrue(receiver.live(id.toString()));
        String security = flow.command(CAROL, "revoke " + id + " suspicious queries");
        assertTrue(security.startsWith("Access of " + id + " removed"), security);
        Grant g = flow.grant(id);
        assertEquals(GrantState.REVOKED, g.state());
        assertEquals(Optional.of("suspicious queries"), g.revocation().reason());
        flow.awaitDirectMessage(ALICE, id, "ended early by <@U0CAROL>");
        String twice = flow.command(CAROL, "revoke " + id);
        assertTrue(twice.contains("holds no access"), twice);
    }

    @Test
    void aTargetThatFailsItsFirstRevokesIsRetriedUntilRevokedWithAlertsOnFailureAndRecovery() {
        GrantId id = activeGrant("30m");
        receiver.failNextRevokes(6); // the adapter tries twice per attempt: three failed attempts
        String answer = flow.click(ALICE, flow.awaitDirectMessage(ALICE, id, "is ready"), GrantCard.DONE, id);
        assertTrue(answer.contains("failed"), answer);
        for (String channel : List.of("C0SECURITY", "C0MGMT")) {
            RunningBot.await(Workflow.WAIT, () -> bot.slack().messages(channel).stream()
                    .anyMatch(m -> m.text().contains("Revocation failing* for " + id)), () -> "no alert in " + channel);
        }
        flow.awaitCard(id, "Revocation failing");
        Grant revoked = flow.awaitState(id, GrantState.REVOKED);
        assertEquals(4, revoked.revocation().attempts());
        assertTrue(revoked.revocation().lastError().orElseThrow().contains("503"), revoked.revocation().toString());
        assertFalse(receiver.live(id.toString()));
        for (String channel : List.of("C0SECURITY", "C0MGMT")) {
            RunningBot.await(Workflow.WAIT, () -> bot.slack().messages(channel).stream()
                    .anyMatch(m -> m.text().contains("Revocation of " + id + " succeeded after 4 attempts")),
                    () -> "no recovery alert in " + channel);
            assertEquals(1, bot.slack().messages(channel).stream()
                    .filter(m -> m.text().contains("Revocation failing* for " + id)).count(), "one alert, not one per try");
        }
        RunningBot.await(Workflow.WAIT, () -> metrics().lines().anyMatch(
                l -> l.matches("breakglass_grant_events_total\\{event=\"RevocationFailed\"} 3(\\.0)?")),
                () -> "each attempt counted");

        bot.settle();
        List<dev.breakglass.bot.audit.AuditEntry> trail = bot.bean(dev.breakglass.bot.audit.JdbcAuditLog.class)
                .forGrant(id.value());
        // Adapter calls and the post-mortem (opened once access is gone) have their own tests.
        List<String> types = trail.stream().map(dev.breakglass.bot.audit.AuditEntry::type)
                .filter(t -> !t.equals("TargetCall") && !t.equals("PostMortemOpened")).toList();
        assertEquals(List.of("Requested", "Approved", "Activated", "RevocationFailed", "RevocationFailed",
                "RevocationFailed", "Revoked", "RevocationRecovered"), types);
        List<String> revokeCalls = trail.stream().filter(e -> e.type().equals("TargetCall")
                && "revoke".equals(e.details().get("action"))).map(e -> (String) e.details().get("outcome")).toList();
        assertEquals(List.of("failed", "failed", "failed", "ok"), revokeCalls, "every adapter call is audited");
        trail = trail.stream().filter(e -> !e.type().equals("TargetCall") && !e.type().equals("PostMortemOpened"))
                .toList();
        assertEquals(List.of(1, 2, 3), trail.stream().filter(e -> e.type().equals("RevocationFailed"))
                .map(e -> ((Number) e.details().get("attempt")).intValue()).toList(), "each attempt in the audit log");
        assertEquals(ALICE, trail.get(6).actor(), "the revoke is Alice's");
        assertTrue(bot.bean(dev.breakglass.bot.audit.JdbcAuditLog.class).verify().isEmpty(), "the chain holds");
        String shown = bot.deliver().slashCommand(ALICE, "C0GENERAL", "audit " + id).json().path("text").asText();
        assertTrue(shown.startsWith("*Audit trail of " + id + "*"), shown);
        assertTrue(shown.contains("*RevocationFailed* · system · attempt=2"), shown);
        assertTrue(shown.contains("*TargetCall* · system · action=revoke"), shown);
        String hidden = bot.deliver().slashCommand(DAVE, "C0GENERAL", "audit " + id).json().path("text").asText();
        assertEquals("There is no grant " + id + " that you can see.", hidden);
    }

    @Test
    void aRevokerMarksAStuckRevocationResolvedFromTheAlert() {
        GrantId id = activeGrant("30m");
        receiver.failNextRevokes(1000);
        bot.deliver().slashCommand(ALICE, "C0GENERAL", "revoke " + id);
        RunningBot.await(Workflow.WAIT, () -> bot.slack().messages("C0SECURITY").stream()
                .anyMatch(m -> m.text().contains("Revocation failing* for " + id)), () -> "no alert");
        Message alert = bot.slack().messages("C0SECURITY").stream()
                .filter(m -> m.text().contains("Revocation failing* for " + id)).findFirst().orElseThrow();
        assertEquals(List.of(GrantCard.RESOLVE), Workflow.buttons(alert.blocks()));
        assertTrue(flow.click(BOB, alert, GrantCard.RESOLVE, id).contains("Only a revoker"));
        assertTrue(flow.click(CAROL, alert, GrantCard.RESOLVE, id).startsWith("Marked " + id + " as revoked by hand"));
        assertEquals(GrantState.REVOKED, flow.grant(id).state());
        RunningBot.await(Workflow.WAIT, () -> bot.slack().messages("C0MGMT").stream()
                .anyMatch(m -> m.text().contains("marked the revocation of " + id + " resolved")), () -> "no notice");
    }
}

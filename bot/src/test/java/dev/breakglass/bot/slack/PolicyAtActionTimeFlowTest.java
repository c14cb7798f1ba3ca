package dev.breakglass.bot.slack;

import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.SandboxDirectory;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.BotExtension;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static dev.breakglass.bot.testing.Workflow.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policy is checked when someone acts, not when the grant was asked for: a Slack admin removes a person from a
 * user group mid-flow (the emulator's directory changes), and their next click is refused with a clear message
 * and changes nothing — even when the bot looked their group up a moment before.
 */
class PolicyAtActionTimeFlowTest {
    private static final String WHY = "checkout is failing for every customer, need admin";

    @RegisterExtension
    final BotExtension running = BotExtension.withWebhookTarget();

    private WebhookReceiver receiver;
    private RunningBot bot;
    private Workflow flow;

    private GrantId activeGrant() {
        return flow.activeGrant(ALICE, CAROL, "orders-db 30m " + WHY); // Carol approves as herself, not via a group
    }

    private String command(String user, String text) {
        return bot.deliver().slashCommand(user, "C0GENERAL", text).json().path("text").asText();
    }

    @Test
    void aRequesterRemovedFromTheRequestersGroupCannotBreakTheGlassExtendOrReveal() {
        GrantId pending = flow.request(ALICE, "orders-db:admin 45m " + WHY);
        GrantId active = activeGrant();
        Message ready = flow.awaitDirectMessage(ALICE, active, "is ready");
        bot.clock().advance(Duration.ofMinutes(10));
        flow.fire(pending, "emergency_offer");
        Message offer = flow.awaitDirectMessage(ALICE, pending, "break the glass alone");

        bot.slack().setGroupMembers(SandboxDirectory.ONCALL, List.of(BOB)); // Alice left on-call

        String glass = flow.click(ALICE, offer, GrantCard.BREAK_GLASS, pending);
        assertTrue(glass.contains("You are no longer allowed to request access to orders-db, so you cannot break the "
                + "glass on " + pending), glass);
        String extend = command(ALICE, "extend " + active + " 10m the restore is still running, ETA 10m");
        assertTrue(extend.contains("so you cannot extend " + active), extend);
        String reveal = flow.click(ALICE, ready, GrantCard.REVEAL, active);
        assertTrue(reveal.contains("so you cannot reveal the credentials of " + active), reveal);

        assertEquals(GrantState.PENDING, flow.grant(pending).state());
        assertTrue(flow.grant(active).extension().isEmpty());
        assertEquals(1, receiver.calls("grant").size(), "only the approved grant was provisioned");
        assertTrue(bot.slack().calls("views.open").isEmpty(), "no credentials window was opened");
        command(ALICE, "revoke " + active);
        flow.awaitState(active, GrantState.REVOKED); // giving access back is always allowed
    }

    @Test
    void anApproverRemovedFromTheApproversGroupCannotApproveARequestOrAnExtension() {
        GrantId active = activeGrant();
        command(ALICE, "extend " + active + " 10m the restore is still running, ETA 10m");
        GrantId pending = flow.request(ALICE, "orders-db 30m " + WHY);
        Message card = flow.card(pending);
        Message extensionCard = flow.awaitCard(active, "Extension requested");
        // Bob looks first, so the bot has just read his groups (and would have them cached for a minute).
        assertTrue(command(BOB, "status " + pending).contains(pending.toString()));

        bot.slack().setGroupMembers(SandboxDirectory.SRE_LEADS, List.of()); // Bob is no longer an SRE lead

        String approve = flow.click(BOB, card, GrantCard.APPROVE, pending);
        assertEquals("You are not an approver for orders-db, so you cannot approve " + pending + ".", approve);
        String extension = flow.click(BOB, extensionCard, GrantCard.APPROVE_EXTENSION, active);
        assertTrue(extension.contains("so you cannot decide on the extension of " + active), extension);

        assertEquals(GrantState.PENDING, flow.grant(pending).state());
        assertTrue(flow.grant(pending).approvedBy().isEmpty());
        assertTrue(flow.grant(active).extension().orElseThrow().approvedBy().isEmpty());
        assertEquals(1, receiver.calls("grant").size());
        assertFalse(flow.click(CAROL, card, GrantCard.APPROVE, pending).contains("not an approver"),
                "a current approver still can");
    }
}

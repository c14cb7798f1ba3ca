package dev.breakglass.bot.slack;

import dev.breakglass.bot.sandbox.state.Message;
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
import java.util.List;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What happens when nobody decides: the pending timeout and the emergency break glass, with the bot's clock
 * moved forward and the stored timers fired on the spot (the same handler the poller runs when they come due).
 */
class TimedFlowTest {
    private static final String WHY = "checkout is failing for every customer, need admin";

    @RegisterExtension
    final BotExtension running = BotExtension.withWebhookTarget();

    private WebhookReceiver receiver;
    private RunningBot bot;
    private Workflow flow;

    /** Fires the stored timer of {@code id} now, as the poller does when it comes due. */
    private void fire(GrantId id, String due) {
        flow.fire(id, due);
    }

    @Test
    void aRequestNobodyDecidesTimesOutAfterThePendingTimeout() throws Exception {
        GrantId id = flow.request(ALICE, "orders-db 30m " + WHY);
        flow.card(id);
        bot.clock().advance(Duration.ofMinutes(29));
        fire(id, "pending_timeout");
        Thread.sleep(500);
        assertEquals(GrantState.PENDING, flow.grant(id).state(), "not before the timeout");

        bot.clock().advance(Duration.ofMinutes(1));
        fire(id, "pending_timeout");
        flow.awaitState(id, GrantState.TIMED_OUT);
        Message card = flow.awaitCard(id, "Timed out");
        assertEquals(List.of(), Workflow.buttons(card.blocks()));
        flow.awaitDirectMessage(ALICE, id, "Nobody decided on your request in time");
        assertEquals(0, receiver.calls("grant").size());
    }

    @Test
    void afterTheEmergencyDelayTheRequesterMayBreakTheGlassAloneLoudly() throws Exception {
        GrantId id = flow.request(ALICE, "orders-db:admin 45m " + WHY);
        flow.card(id);
        bot.clock().advance(Duration.ofMinutes(9));
        fire(id, "emergency_offer");
        Message offer = flow.awaitDirectMessage(ALICE, id, "break the glass alone");
        assertEquals(List.of(GrantCard.BREAK_GLASS), Workflow.buttons(offer.blocks()));

        String early = flow.click(ALICE, offer, GrantCard.BREAK_GLASS, id);
        assertTrue(early.contains("Emergency access opens 10m after the request"), early);
        assertTrue(flow.click(BOB, offer, GrantCard.BREAK_GLASS, id).contains("Only <@U0ALICE>"));
        assertEquals(GrantState.PENDING, flow.grant(id).state());

        bot.clock().advance(Duration.ofMinutes(1));
        String broke = flow.click(ALICE, offer, GrantCard.BREAK_GLASS, id);
        assertTrue(broke.startsWith("You broke the glass on " + id), broke);
        Grant active = flow.awaitState(id, GrantState.ACTIVE);
        assertTrue(active.emergency());
        assertEquals(Duration.ofMinutes(20), active.duration(), "capped at the emergency maximum");
        assertEquals(List.of(), active.approvedBy());
        assertEquals(1, receiver.calls("grant").size());

        for (String channel : List.of("C0SECURITY", "C0MGMT")) {
            RunningBot.await(Workflow.WAIT, () -> bot.slack().messages(channel).stream()
                    .anyMatch(m -> m.text().contains("EMERGENCY break glass* " + id)), () -> "no alert in " + channel);
        }
        Message card = flow.awaitCard(id, "Emergency access taken without peer approval");
        assertTrue(card.blocks().path(0).path("text").path("text").asText().startsWith("EMERGENCY"));
        assertFalse(flow.click(ALICE, offer, GrantCard.BREAK_GLASS, id).startsWith("You broke"), "once is enough");
    }
}

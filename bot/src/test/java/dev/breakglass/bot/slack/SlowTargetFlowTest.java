package dev.breakglass.bot.slack;

import dev.breakglass.bot.sandbox.transport.DeliveryResult;
import dev.breakglass.bot.sandbox.state.Message;
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

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static dev.breakglass.bot.testing.Workflow.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A target that takes 6 seconds to revoke must not make Slack give up on the bot: {@code /breakglass revoke},
 * I'm done and Revoke now are acknowledged within Slack's 3 seconds (the emulator applies only a timely 200, as
 * Slack does), and the answer and the card's update follow once the target confirmed the removal.
 */
class SlowTargetFlowTest {
    private static final String WHY = "orders DB is down, need to restart the replica";
    private static final Duration SLOW = Duration.ofSeconds(6);

    @RegisterExtension
    final BotExtension running = BotExtension.withWebhookTarget();

    private WebhookReceiver receiver;
    private RunningBot bot;
    private Workflow flow;

    private GrantId activeGrant() {
        return flow.activeGrant(ALICE, BOB, "orders-db:admin 30m " + WHY);
    }

    /** Slack took the acknowledgement (a 200 within 3 s) while the target was still working. */
    private void acknowledgedBeforeTheTargetAnswered(DeliveryResult r, GrantId id) {
        assertEquals(200, r.status(), r.answer().body());
        assertTrue(r.applied(), "Slack would have shown an error: the ack took " + r.answer().elapsed());
        assertTrue(r.answer().elapsed().compareTo(SLOW) < 0, "acknowledged before the target answered");
        assertNotEquals(GrantState.REVOKED, flow.grant(id).state(), "the revoke was still running");
    }

    @Test
    void revokeByCommandIsAcknowledgedAtOnceAndAnsweredWhenTheTargetConfirms() {
        GrantId id = activeGrant();
        receiver.slowRevokes(SLOW);
        int before = flow.responseCount(CAROL);
        DeliveryResult r = bot.deliver().slashCommand(CAROL, "C0GENERAL", "revoke " + id + " suspicious queries");
        acknowledgedBeforeTheTargetAnswered(r, id);

        String answer = flow.awaitResponse(CAROL, before);
        assertTrue(answer.startsWith("Access of " + id + " removed"), answer);
        assertEquals(GrantState.REVOKED, flow.grant(id).state());
        assertFalse(receiver.live(id.toString()));
        flow.awaitCard(id, "Revoked by <@U0CAROL>");
        flow.awaitDirectMessage(ALICE, id, "ended early by <@U0CAROL>");
    }

    @Test
    void imDoneAndRevokeNowAreAcknowledgedAtOnceAndAnsweredWhenTheTargetConfirms() {
        receiver.slowRevokes(SLOW);
        GrantId mine = activeGrant();
        Message ready = flow.awaitDirectMessage(ALICE, mine, "is ready");
        int before = flow.responseCount(ALICE);
        DeliveryResult done = bot.deliver().blockAction(ALICE, ready.channel(), ready.ts(), GrantCard.DONE,
                mine.toString());
        acknowledgedBeforeTheTargetAnswered(done, mine);

        GrantId theirs = activeGrant();
        Message card = flow.awaitCard(theirs, "Active until");
        int carol = flow.responseCount(CAROL);
        DeliveryResult now = bot.deliver().blockAction(CAROL, card.channel(), card.ts(), GrantCard.DONE,
                theirs.toString());
        acknowledgedBeforeTheTargetAnswered(now, theirs);

        String answer = flow.awaitResponse(ALICE, before);
        assertTrue(answer.startsWith("Access of " + mine + " removed"), answer);
        flow.awaitCard(mine, "Revoked by <@U0ALICE>");
        String other = flow.awaitResponse(CAROL, carol);
        assertTrue(other.startsWith("Access of " + theirs + " removed"), other);
        flow.awaitCard(theirs, "Revoked by <@U0CAROL>");
        assertFalse(receiver.live(mine.toString()));
        assertFalse(receiver.live(theirs.toString()));
    }
}

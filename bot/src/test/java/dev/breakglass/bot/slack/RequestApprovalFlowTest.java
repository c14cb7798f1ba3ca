package dev.breakglass.bot.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakglass.bot.sandbox.transport.DeliveryResult;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.RecordedCall;
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
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static dev.breakglass.bot.testing.Workflow.CAROL;
import static dev.breakglass.bot.testing.Workflow.DAVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request and approval as Slack drives them: signed slash commands, button clicks and modal submissions in;
 * cards, direct messages and modals out through the emulator; real provisioning through the webhook adapter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestApprovalFlowTest {
    private static final String WHY = "orders DB is down, need to restart the replica";

    @RegisterExtension
    static final BotExtension BOT = BotExtension.withWebhookTarget();

    private WebhookReceiver receiver;
    private RunningBot bot;
    private Workflow flow;

    private long grantCalls(GrantId id) {
        return receiver.calls("grant").stream().filter(c -> c.path("grant_id").asText().equals(id.toString())).count();
    }

    @Test
    void oneLineRequestApprovedByAPeerIsProvisionedOnceAndTheRequesterIsTold() {
        DeliveryResult asked = bot.deliver().slashCommand(ALICE, "C0GENERAL",
                "request orders-db:admin 45m " + WHY);
        String reply = asked.json().path("text").asText();
        assertTrue(reply.startsWith("Requested BG-"), reply);
        GrantId id = Workflow.idIn(reply);

        Message card = flow.card(id);
        assertEquals(List.of(GrantCard.APPROVE, GrantCard.DENY), Workflow.buttons(card.blocks()));
        String shown = card.blocks().toString();
        assertTrue(shown.contains("<@U0ALICE> requests *orders-db* as *admin* for *45m*"), shown);
        assertTrue(shown.contains(WHY), shown);
        flow.awaitDirectMessage(ALICE, id, "waiting for approval");
        Runnable carolTooLate = flow.staleClick(CAROL, card, GrantCard.APPROVE, id);

        String answer = flow.click(BOB, card, GrantCard.APPROVE, id);
        assertTrue(answer.startsWith("You approved " + id), answer);
        Grant active = flow.awaitState(id, GrantState.ACTIVE);
        assertEquals(List.of(BOB), active.approvedBy());
        assertEquals(Optional.of(active.activatedAt().orElseThrow().plus(Duration.ofMinutes(45))), active.expiresAt());
        assertEquals(1, grantCalls(id));
        JsonNode call = receiver.calls("grant").stream()
                .filter(c -> c.path("grant_id").asText().equals(id.toString())).findFirst().orElseThrow();
        assertEquals("admin", call.path("role").asText());
        assertEquals(ALICE, call.path("user").path("slack_id").asText());

        Message updated = flow.awaitCard(id, "Active until");
        assertEquals(List.of(GrantCard.DONE), Workflow.buttons(updated.blocks()),
                "a decided card no longer offers Approve/Deny, only Revoke now while access is active");
        assertTrue(updated.edited(), "the card is updated in place");
        Message ready = flow.awaitDirectMessage(ALICE, id, "is ready");
        assertEquals(List.of(GrantCard.REVEAL, GrantCard.DONE), Workflow.buttons(ready.blocks()));

        String again = flow.answerTo(CAROL, carolTooLate);
        assertTrue(again.contains("already approved by <@U0BOB>"), again);
        assertEquals(1, grantCalls(id));
    }

    @Test
    void theRequestFormOpensWithOnlyWhatTheUserMayRequestAndSubmitsAGrant() {
        DeliveryResult opened = bot.deliver().slashCommand(ALICE, "C0GENERAL", "");
        assertEquals(200, opened.status());
        SlackView form = bot.slack().openModal(ALICE).orElseThrow();
        assertEquals("bg_request", form.callbackId());
        String options = form.view().toString();
        assertTrue(options.contains("orders-db:admin") && options.contains("payments"), options);

        bot.deliver().viewSubmission(ALICE, form.id(), ViewInput.create()
                .staticSelect("target", "target_input", "orders-db:read-only", "orders-db — read-only")
                .plainText("duration", "duration_input", "20m")
                .plainText("incident", "incident_input", "INC-77")
                .plainText("justification", "justification_input", WHY));
        RunningBot.await(Workflow.WAIT, () -> bot.slack().messages(Workflow.APPROVALS).stream()
                .anyMatch(m -> m.blocks() != null && m.blocks().toString().contains("INC-77")), () -> "no card");
        Message card = bot.slack().messages(Workflow.APPROVALS).stream()
                .filter(m -> m.blocks() != null && m.blocks().toString().contains("INC-77")).findFirst().orElseThrow();
        GrantId id = Workflow.idIn(card.blocks().path(0).path("text").path("text").asText());
        Grant g = flow.grant(id);
        assertEquals(Optional.of("read-only"), g.role());
        assertEquals(Duration.ofMinutes(20), g.duration());
        assertEquals(Optional.of("INC-77"), g.incident());
        flow.click(CAROL, card, GrantCard.APPROVE, id);
        flow.awaitState(id, GrantState.ACTIVE);
        assertEquals(1, grantCalls(id));
        flow.awaitDirectMessage(ALICE, id, "is ready");

        bot.slack().modals(DAVE);
        bot.deliver().slashCommand(DAVE, "C0GENERAL", "");
        assertTrue(bot.slack().openModal(DAVE).isEmpty(), "no form for someone who may request nothing");
    }

    @Test
    void theFormShowsErrorsOnTheFieldAtFaultAndStaysOpen() {
        bot.deliver().slashCommand(ALICE, "C0GENERAL", "");
        SlackView form = bot.slack().openModal(ALICE).orElseThrow();
        bot.deliver().viewSubmission(ALICE, form.id(), ViewInput.create()
                .staticSelect("target", "target_input", "orders-db:admin", "orders-db — admin")
                .plainText("duration", "duration_input", "2h")
                .plainText("justification", "justification_input", WHY));
        SlackView after = bot.slack().view(form.id()).orElseThrow();
        assertFalse(after.closed());
        assertTrue(after.errors().path("duration").asText().contains("longer than the orders-db maximum of 1h"),
                after.errors().toString());

        bot.deliver().viewSubmission(ALICE, form.id(), ViewInput.create()
                .staticSelect("target", "target_input", "orders-db:admin", "orders-db — admin")
                .plainText("duration", "duration_input", "soon")
                .plainText("justification", "justification_input", WHY));
        assertTrue(bot.slack().view(form.id()).orElseThrow().errors().path("duration").asText().contains("30m"));
    }

    @Test
    void refusalsSayWhyAndProvisionNothing() {
        int callsBefore = receiver.calls().size();
        String[][] cases = {
                {DAVE, "request orders-db 30m " + WHY, "not allowed to request access to orders-db"},
                {ALICE, "request nowhere 30m " + WHY, "There is no target named"},
                {ALICE, "request orders-db 2h " + WHY, "2h is longer than the orders-db maximum of 1h"},
                {ALICE, "request orders-db:root 30m " + WHY, "no role"},
                {ALICE, "request orders-db 30m too short", "justification"},
                {ALICE, "request orders-db 30m", "justification"},
        };
        for (String[] c : cases) {
            String answer = bot.deliver().slashCommand(c[0], "C0GENERAL", c[1]).json().path("text").asText();
            assertTrue(answer.contains(c[2]), c[1] + " → " + answer);
            assertFalse(answer.startsWith("Requested"), answer);
        }

        GrantId id = flow.request(ALICE, "orders-db 30m " + WHY);
        Message card = flow.card(id);
        assertTrue(flow.click(ALICE, card, GrantCard.APPROVE, id).contains("cannot approve your own request"));
        assertTrue(flow.click(DAVE, card, GrantCard.APPROVE, id).contains("not an approver for orders-db"));
        assertEquals(GrantState.PENDING, flow.grant(id).state());
        assertEquals(callsBefore, receiver.calls().size(), "nothing provisioned");
    }

    @Test
    void twoApprovalsNeedTwoDifferentPeople() {
        GrantId id = flow.request(ALICE, "payments 1h " + WHY);
        Message card = flow.card(id);
        assertTrue(flow.click(BOB, card, GrantCard.APPROVE, id).contains("needs 1 approval more"));
        flow.awaitCard(id, "approved so far by <@U0BOB>");
        assertTrue(flow.click(BOB, card, GrantCard.APPROVE, id).contains("You already approved"));
        assertEquals(GrantState.PENDING, flow.grant(id).state());
        assertEquals(0, grantCalls(id));
        flow.click(DAVE, card, GrantCard.APPROVE, id);
        assertEquals(List.of(BOB, DAVE), flow.awaitState(id, GrantState.ACTIVE).approvedBy());
        assertEquals(1, grantCalls(id));
    }

    @Test
    void denyAsksForAReasonThatTheRequesterSeesEscaped() {
        GrantId id = flow.request(ALICE, "orders-db 30m " + WHY);
        Message card = flow.card(id);
        Runnable carolTooLate = flow.staleClick(CAROL, card, GrantCard.APPROVE, id);
        flow.press(BOB, card, GrantCard.DENY, id);
        SlackView form = bot.slack().openModal(BOB).orElseThrow();
        assertEquals(id.toString(), form.privateMetadata());
        bot.deliver().viewSubmission(BOB, form.id(), ViewInput.create().plainText("reason", "reason_input", " "));
        assertFalse(bot.slack().view(form.id()).orElseThrow().closed(), "an empty reason keeps the form open");
        bot.deliver().viewSubmission(BOB, form.id(), ViewInput.create()
                .plainText("reason", "reason_input", "fine \u202Eelif.exe"));
        SlackView hidden = bot.slack().view(form.id()).orElseThrow();
        assertFalse(hidden.closed(), "a reason with a bidi override keeps the form open");
        assertTrue(hidden.errors().path("reason").asText().contains("invisible or broken character (U+202E)"),
                hidden.errors().toString());
        assertEquals(GrantState.PENDING, flow.grant(id).state());

        bot.deliver().viewSubmission(BOB, form.id(), ViewInput.create()
                .plainText("reason", "reason_input", "use the read replica <!channel> <https://evil|click>"));
        Grant denied = flow.awaitState(id, GrantState.DENIED);
        assertEquals(Optional.of(BOB), denied.decidedBy());
        Message updated = flow.awaitCard(id, "Denied by <@U0BOB>");
        String shown = updated.blocks().toString();
        assertTrue(shown.contains("use the read replica &lt;!channel&gt; &lt;https://evil|click&gt;"), shown);
        assertEquals(List.of(), Workflow.buttons(updated.blocks()));
        Message told = flow.awaitDirectMessage(ALICE, id, "denied your request");
        assertFalse(told.blocks().toString().contains("<!channel>"), told.blocks().toString());
        assertTrue(flow.answerTo(CAROL, carolTooLate).contains("already denied by <@U0BOB>"));
        assertEquals(0, grantCalls(id));
    }

    @Test
    void theRequesterCancelsFromTheirDirectMessageAndApprovalsStop() {
        GrantId id = flow.request(ALICE, "orders-db 30m " + WHY);
        Message dm = flow.awaitDirectMessage(ALICE, id, "waiting for approval");
        Runnable bobTooLate = flow.staleClick(BOB, flow.card(id), GrantCard.APPROVE, id);
        assertEquals(List.of(GrantCard.CANCEL), Workflow.buttons(dm.blocks()));
        assertTrue(flow.click(BOB, dm, GrantCard.CANCEL, id).contains("Only <@U0ALICE> can cancel"));
        assertTrue(flow.click(ALICE, dm, GrantCard.CANCEL, id).startsWith("You cancelled " + id));
        flow.awaitCard(id, "Cancelled by the requester");
        assertTrue(flow.answerTo(BOB, bobTooLate).contains("was cancelled"));
        assertEquals(GrantState.CANCELLED, flow.grant(id).state());
    }

    @Test
    void injectionStringsRenderInertEverywhere() {
        String evil = "<!channel> ping <@U0BOB> and <https://evil.example|click here> & more";
        GrantId id = flow.request(ALICE, "orders-db 30m " + evil);
        Message card = flow.card(id);
        flow.awaitDirectMessage(ALICE, id, "waiting for approval");
        for (RecordedCall call : bot.slack().calls()) {
            String sent = call.params().toString();
            assertFalse(sent.contains("<!channel>") || sent.contains("<https://evil") || sent.contains("<@U0BOB> and"),
                    call.method() + " carried live markup: " + sent);
        }
        assertTrue(card.blocks().toString().contains("&lt;!channel&gt; ping &lt;@U0BOB&gt; and "
                + "&lt;https://evil.example|click here&gt; &amp; more"), card.blocks().toString());
    }

    @Test
    void aJustificationLongerThanASectionIsCutVisiblyOnTheCard() {
        // Within the 3000-character limit as typed, but escaping (& → &amp;) makes it longer than a section.
        String longWhy = "R&D replica & cache crash; ".repeat(110).strip();
        assertTrue(longWhy.length() <= 3000, "length " + longWhy.length());
        GrantId id = flow.request(ALICE, "orders-db 30m " + longWhy);
        JsonNode blocks = flow.card(id).blocks();
        String justification = blocks.path(2).path("text").path("text").asText();
        assertTrue(justification.length() <= 3000, "section length " + justification.length());
        assertTrue(justification.endsWith("… (truncated)"), justification.substring(justification.length() - 40));
        assertEquals(longWhy, flow.grant(id).justification(), "the stored justification is complete");
    }

    @Test
    void credentialsAppearOnlyInTheRequestersRevealModalAndOnlyOnce() {
        GrantId id = flow.request(ALICE, "orders-db 30m " + WHY);
        flow.click(BOB, flow.card(id), GrantCard.APPROVE, id);
        flow.awaitState(id, GrantState.ACTIVE);
        Message ready = flow.awaitDirectMessage(ALICE, id, "is ready");

        assertTrue(flow.click(BOB, ready, GrantCard.REVEAL, id).contains("Only the requester"));
        bot.slack().rateLimitNext("views.open", 1, 1);
        assertTrue(flow.click(ALICE, ready, GrantCard.REVEAL, id).contains("Your reveal was not used"),
                "a window Slack refused does not use up the reveal");
        flow.press(ALICE, ready, GrantCard.REVEAL, id);
        SlackView modal = bot.slack().openModal(ALICE).orElseThrow();
        assertTrue(modal.view().toString().contains(receiver.password()), "the modal shows the password");
        String second = flow.click(ALICE, ready, GrantCard.REVEAL, id);
        assertTrue(second.contains("already revealed 1 time"), second);
        assertEquals(modal.id(), bot.slack().openModal(ALICE).orElseThrow().id(), "no second window");

        for (RecordedCall call : bot.slack().calls()) {
            // the Reveal window, a modal (never chat history), is the one place for them
            boolean revealWindow = call.method().equals("views.open")
                    && call.params().path("view").path("callback_id").asText().equals("bg_credentials");
            if (!revealWindow) {
                assertFalse(call.params().toString().contains(receiver.password()), call.method() + " leaked it");
            }
        }
        bot.slack().allMessages().values().forEach(ms -> ms.forEach(m ->
                assertFalse(String.valueOf(m.blocks()).contains(receiver.password()) || m.text().contains(receiver.password()))));
        bot.slack().responseUrlPosts().forEach(p -> assertFalse(p.body().toString().contains(receiver.password())));
    }

    @Test
    void aFailingTargetLeavesTheGrantFailedWithTheReasonOnTheCard() {
        receiver.failNextGrants(2);
        GrantId id = flow.request(ALICE, "orders-db 30m " + WHY);
        flow.click(BOB, flow.card(id), GrantCard.APPROVE, id);
        Grant failed = flow.awaitState(id, GrantState.FAILED);
        assertTrue(failed.reason().orElseThrow().contains("503"), failed.reason().toString());
        flow.awaitCard(id, "Provisioning failed");
        flow.awaitDirectMessage(ALICE, id, "could not be provisioned");
    }

    @Test
    void listAndStatusShowOnlyWhatTheAskerMaySee() {
        GrantId id = flow.request(ALICE, "orders-db:admin 30m " + WHY);
        String aliceList = bot.deliver().slashCommand(ALICE, "C0GENERAL", "list").json().path("text").asText();
        assertTrue(aliceList.contains("*" + id + "* orders-db:admin for 30m · <@U0ALICE> · waiting for 1 approval"),
                aliceList);
        String bobList = bot.deliver().slashCommand(BOB, "C0GENERAL", "list").json().path("text").asText();
        assertTrue(bobList.contains("*" + id + "*"), "an approver sees it: " + bobList);
        String daveList = bot.deliver().slashCommand(DAVE, "C0GENERAL", "list").json().path("text").asText();
        assertFalse(daveList.contains("*" + id + "*"), "an outsider does not: " + daveList);

        String status = bot.deliver().slashCommand(BOB, "C0GENERAL", "status " + id).json().path("text").asText();
        assertTrue(status.startsWith("*" + id + "* · <@U0ALICE> · *orders-db* as *admin* for *30m* · *pending*"), status);
        String hidden = bot.deliver().slashCommand(DAVE, "C0GENERAL", "status " + id).json().path("text").asText();
        assertEquals("There is no grant " + id + " that you can see.", hidden);
        String missing = bot.deliver().slashCommand(BOB, "C0GENERAL", "status BG-99999").json().path("text").asText();
        assertEquals("There is no grant BG-99999 that you can see.", missing);
    }

    @Test
    void slackRateLimitsDelayMessagesButNeverDropThem() {
        bot.slack().rateLimitNext("chat.postMessage", 3, 1);
        bot.slack().rateLimitNext("chat.update", 2, 1);
        GrantId id = flow.request(ALICE, "orders-db 30m " + WHY);
        Message card = flow.card(id);
        flow.awaitDirectMessage(ALICE, id, "waiting for approval");
        flow.click(BOB, card, GrantCard.APPROVE, id);
        flow.awaitCard(id, "Active until");
        flow.awaitDirectMessage(ALICE, id, "is ready");
        List<String> order = flow.directMessages(ALICE, id).stream().map(m -> m.blocks().toString())
                .map(b -> b.contains("waiting") ? "waiting" : b.contains("approved your") ? "approved"
                        : b.contains("is ready") ? "ready" : "other").toList();
        assertEquals(List.of("waiting", "approved", "ready"), order, "delivered, in order");
        assertTrue(bot.slack().calls("chat.postMessage").stream().filter(c -> c.status() == 429).count() >= 3,
                "Slack did answer 429");
    }

    /**
     * The card is rendered from the grant as stored when it is updated, so while its lane is held up (here: Slack
     * asks it to wait 3 s), the events that pile up behind cost one update, not one each — and the card still ends
     * on the latest state.
     */
    @Test
    void aCardBehindItsEventsIsUpdatedOnceForThoseWaiting() {
        GrantId id = flow.request(ALICE, "orders-db 30m " + WHY);
        Message card = flow.card(id);
        bot.slack().rateLimitNext("chat.update", 1, 3);
        flow.click(BOB, card, GrantCard.APPROVE, id);
        String done = flow.click(ALICE, flow.awaitDirectMessage(ALICE, id, "is ready"), GrantCard.DONE, id);
        assertTrue(done.startsWith("Access of " + id + " removed"), done);
        flow.awaitCard(id, "Revoked by <@U0ALICE>");
        bot.settle();

        long afterApproval = bot.bean(dev.breakglass.bot.events.JdbcEventOutbox.class).eventsOf(id).stream()
                .filter(e -> !(e instanceof dev.breakglass.event.GrantEvent.Requested)).count();
        List<RecordedCall> updates = bot.slack().calls("chat.update").stream()
                .filter(c -> c.params().path("ts").asText().equals(card.ts())).toList();
        assertEquals(1, updates.stream().filter(c -> c.status() == 429).count(), "Slack held the lane up once");
        long sent = updates.stream().filter(RecordedCall::ok).count();
        assertTrue(sent < afterApproval, sent + " updates for " + afterApproval + " events after the approval");
        assertTrue(flow.card(id).blocks().toString().contains("Revoked by <@U0ALICE>"), "the card shows the end");
    }
}

package dev.breakglass.bot.slack.inbound;

import dev.breakglass.bot.testing.LogLines;


import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.breakglass.bot.audit.AuditEntry;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.RecordedCall;
import dev.breakglass.bot.sandbox.state.SlackView;
import dev.breakglass.bot.sandbox.transport.ViewInput;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.stepup.Rfc6238;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Step-up as Slack drives it: {@code /breakglass mfa enroll} and its modal, the one-line request falling back to the
 * form with a code field, Approve opening the code modal (a crafted click alone changes nothing), the card saying
 * who was step-up verified, the not-enrolled approver told how to enrol, a lockout alerting the notify channels, an
 * admin's reset — and the TOTP secret nowhere but the enrolment modal: not in another Web API call, a log line or
 * the audit log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepUpFlowTest {
    private static final String ALICE = Workflow.ALICE;
    private static final String BOB = Workflow.BOB;
    private static final String CAROL = Workflow.CAROL;
    private static final String DAVE = Workflow.DAVE;
    private static final String WHY = "orders DB is down, need to restart the replica";
    private static final String PUBLIC_URL = "https://breakglass.example.test";

    private WebhookReceiver receiver;
    private RunningBot bot;
    private Workflow flow;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Map<String, String> secrets = new HashMap<>();
    private final Map<String, Long> lastStep = new HashMap<>();

    @BeforeAll
    void start() {
        receiver = new WebhookReceiver();
        String settings = "    settings:\n      url: " + receiver.url() + "\n      secret: " + WebhookReceiver.SECRET
                + "\n      retries: 1\n";
        String policy = "channels:\n  approvals: C0APPROVALS\n  notify: [C0SECURITY]\nrequests-per-hour: 1000\n"
                + "step-up:\n  emergency: always\n  admins: [U0DAVE]\n"
                + "targets:\n  orders-db:\n    adapter: webhook\n    max-duration: 1h\n    step-up: both\n"
                + "    requesters: [U0ALICE]\n    approvers: [U0BOB, U0CAROL]\n"
                + "    emergency:\n      after: 10m\n      max-duration: 20m\n" + settings;
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        bot = RunningBot.builder().policy(policy).property("breakglass.public-url", PUBLIC_URL).start()
                .awaitHealthy(Duration.ofSeconds(20));
        flow = new Workflow(bot);
        enrol(ALICE);
        enrol(BOB);
    }

    @AfterAll
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (bot != null) {
            bot.close();
        }
        receiver.close();
    }

    /** {@code /breakglass mfa enroll}, then the first code in the modal; remembers the secret for the test's codes. */
    private void enrol(String user) {
        bot.deliver().slashCommand(user, "C0GENERAL", "mfa enroll");
        SlackView modal = bot.slack().openModal(user).orElseThrow();
        assertEquals(StepUpHandler.ENROL_CALLBACK, modal.callbackId());
        String uri = otpauthIn(modal.view()).orElseThrow();
        String secret = Rfc6238.secretOf(uri);
        secrets.put(user, secret);
        bot.deliver().viewSubmission(user, modal.id(), code(user));
        RunningBot.await(Workflow.WAIT, () -> bot.slack().messages(user).stream()
                .anyMatch(m -> m.text() != null && m.text().contains("Step-up is set up")), () -> user + " not enrolled");
    }

    /** A code of {@code user}'s secret for a time step not used yet (one step ahead passes as clock drift). */
    private ViewInput code(String user) {
        return ViewInput.create().plainText(StepUpHandler.CODE, StepUpHandler.CODE + "_input", freshCode(user));
    }

    private String freshCode(String user) {
        long now = bot.clock().instant().getEpochSecond() / 30;
        long step = Math.max(now, lastStep.getOrDefault(user, 0L) + 1);
        if (step > now + 1) {
            bot.clock().advance(Duration.ofSeconds(30));
            return freshCode(user);
        }
        lastStep.put(user, step);
        return Rfc6238.code(secrets.get(user), java.time.Instant.ofEpochSecond(step * 30));
    }

    private static java.util.Optional<String> otpauthIn(JsonNode view) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("otpauth://totp/[^`\"\\s]+").matcher(view.toString());
        return m.find() ? java.util.Optional.of(m.group().replace("&amp;", "&")) : java.util.Optional.empty();
    }

    /** Requests orders-db through the form the one-line command falls back to, with ALICE's code. */
    private GrantId request() {
        String ack = bot.deliver().slashCommand(ALICE, "C0GENERAL", "request orders-db 30m " + WHY).json()
                .path("text").asText();
        assertTrue(ack.contains("need step-up"), ack);
        SlackView form = bot.slack().openModal(ALICE).orElseThrow();
        assertEquals(RequestForm.CALLBACK, form.callbackId());
        assertTrue(form.view().toString().contains(WHY), "the form keeps what was typed");
        int cards = bot.slack().messages(Workflow.APPROVALS).size();
        bot.deliver().viewSubmission(ALICE, form.id(), ViewInput.create()
                .staticSelect("target", "target_input", "orders-db", "orders-db")
                .plainText("duration", "duration_input", "30m")
                .plainText("justification", "justification_input", WHY)
                .plainText(StepUpHandler.CODE, StepUpHandler.CODE + "_input", freshCode(ALICE)));
        RunningBot.await(Workflow.WAIT, () -> bot.slack().messages(Workflow.APPROVALS).size() > cards, () -> "no card");
        Message card = bot.slack().messages(Workflow.APPROVALS).get(cards);
        return Workflow.idIn(card.blocks().path(0).path("text").path("text").asText());
    }

    @Test
    void anApprovalNeedsTheCodeAndACraftedClickAloneChangesNothing() {
        GrantId id = request();
        assertEquals(List.of(ALICE), flow.grant(id).stepUpVerified());

        flow.press(BOB, flow.card(id), GrantCard.APPROVE, id); // the block_actions Slack sends: no code in it
        SlackView codeModal = bot.slack().openModal(BOB).orElseThrow();
        assertEquals(StepUpHandler.CODE_CALLBACK, codeModal.callbackId());
        assertEquals(GrantState.PENDING, flow.grant(id).state());
        assertTrue(flow.grant(id).approvedBy().isEmpty(), "the click alone approved nothing");

        bot.deliver().viewSubmission(BOB, codeModal.id(), ViewInput.create());
        assertTrue(bot.slack().openModal(BOB).orElseThrow().errors().toString().contains("Enter the code"));
        assertTrue(flow.grant(id).approvedBy().isEmpty(), "a submission without a code approved nothing");

        bot.deliver().viewSubmission(BOB, codeModal.id(), code(BOB));
        flow.awaitState(id, GrantState.ACTIVE);
        assertEquals(List.of(ALICE, BOB), flow.grant(id).stepUpVerified());
        Message card = flow.awaitCard(id, "(step-up verified)");
        assertTrue(card.blocks().toString().contains("<@U0BOB> (step-up verified)"), card.blocks().toString());
        List<String> types = bot.bean(JdbcAuditLog.class).forGrant(id.value()).stream().map(AuditEntry::type).toList();
        assertTrue(types.contains("StepUpVerified"), types.toString());
    }

    /** ACTIVE, approved by BOB through the code modal. */
    private GrantId activeGrant() {
        GrantId id = request();
        flow.press(BOB, flow.card(id), GrantCard.APPROVE, id);
        bot.deliver().viewSubmission(BOB, bot.slack().openModal(BOB).orElseThrow().id(), code(BOB));
        flow.awaitState(id, GrantState.ACTIVE);
        return id;
    }

    @Test
    void breakGlassNowOpensTheCodeModalAndCountsOnlyWithTheCode() {
        GrantId id = request();
        bot.clock().advance(Duration.ofMinutes(11));
        flow.fire(id, "emergency_offer");
        Message offer = flow.awaitDirectMessage(ALICE, id, "break the glass alone");
        flow.press(ALICE, offer, GrantCard.BREAK_GLASS, id);
        SlackView codeModal = bot.slack().openModal(ALICE).orElseThrow();
        assertEquals(StepUpHandler.CODE_CALLBACK, codeModal.callbackId());
        assertEquals(GrantState.PENDING, flow.grant(id).state(), "the click alone broke nothing");
        bot.deliver().viewSubmission(ALICE, codeModal.id(), code(ALICE));
        assertTrue(flow.awaitState(id, GrantState.ACTIVE).emergency());
    }

    @Test
    void extendAsksForTheCodeInItsFormAndApprovingMoreTimeNeedsTheApproversCode() {
        GrantId id = activeGrant();
        String oneLine = flow.command(ALICE, "extend " + id + " 10m the restore is still running, ETA 10m");
        assertTrue(oneLine.contains("needs step-up"), oneLine);
        assertTrue(flow.grant(id).extension().isEmpty());

        bot.clock().advance(Duration.ofMinutes(25));
        flow.fire(id, "warn");
        Message warning = flow.awaitDirectMessage(ALICE, id, "Extend it");
        flow.press(ALICE, warning, GrantCard.EXTEND, id);
        SlackView form = bot.slack().openModal(ALICE).orElseThrow();
        assertTrue(form.view().toString().contains(StepUpHandler.CODE), "the extend form has a code field");
        bot.deliver().viewSubmission(ALICE, form.id(), ViewInput.create()
                .plainText("duration", "duration_input", "10m")
                .plainText("justification", "justification_input", "the restore is still running, ETA 10m")
                .plainText(StepUpHandler.CODE, StepUpHandler.CODE + "_input", freshCode(ALICE)));
        Message card = flow.awaitCard(id, "Extension requested:* 10m more");

        flow.press(BOB, card, GrantCard.APPROVE_EXTENSION, id);
        SlackView codeModal = bot.slack().openModal(BOB).orElseThrow();
        assertEquals(StepUpHandler.CODE_CALLBACK, codeModal.callbackId());
        assertTrue(flow.grant(id).extension().orElseThrow().approvedBy().isEmpty(), "the click alone approved nothing");
        bot.deliver().viewSubmission(BOB, codeModal.id(), code(BOB));
        RunningBot.await(Workflow.WAIT, () -> flow.grant(id).extension().isEmpty()
                && flow.grant(id).duration().equals(Duration.ofMinutes(40)), () -> "not extended: " + flow.grant(id));
    }

    @Test
    void anApproverWhoIsNotEnrolledIsToldHowToEnrolAndTheRequestWaits() {
        GrantId id = request();
        String answer = flow.click(CAROL, flow.card(id), GrantCard.APPROVE, id);
        assertTrue(answer.contains("/breakglass mfa enroll") && answer.contains("still waits"), answer);
        assertEquals(GrantState.PENDING, flow.grant(id).state());
        assertTrue(flow.grant(id).approvedBy().isEmpty());
    }

    @Test
    void fiveWrongCodesLockStepUpAndAlertTheNotifyChannelsUntilAnAdminResets() {
        GrantId id = request();
        flow.press(BOB, flow.card(id), GrantCard.APPROVE, id);
        SlackView codeModal = bot.slack().openModal(BOB).orElseThrow();
        String right = Rfc6238.code(secrets.get(BOB), bot.clock().instant());
        String wrong = right.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 5; i++) {
            bot.deliver().viewSubmission(BOB, codeModal.id(), ViewInput.create()
                    .plainText(StepUpHandler.CODE, StepUpHandler.CODE + "_input", wrong));
        }
        assertTrue(bot.slack().openModal(BOB).orElseThrow().errors().toString().contains("locked until"));
        RunningBot.await(Workflow.WAIT, () -> bot.slack().messages("C0SECURITY").stream()
                .anyMatch(m -> m.text() != null && m.text().contains("Step-up locked") && m.text().contains("<@U0BOB>")),
                () -> "no lockout alert in C0SECURITY");
        bot.deliver().viewSubmission(BOB, codeModal.id(), code(BOB));
        assertTrue(bot.slack().openModal(BOB).orElseThrow().errors().toString().contains("locked until"),
                "even the right code waits out the lockout");
        assertEquals(GrantState.PENDING, flow.grant(id).state());
        assertTrue(flow.command(BOB, "mfa status").contains("locked until"));
        List<String> types = bot.bean(JdbcAuditLog.class).forGrant(id.value()).stream().map(AuditEntry::type).toList();
        assertTrue(types.contains("StepUpFailed") && types.contains("StepUpLockedOut"), types.toString());

        // a lost phone, or a lockout that was the person fumbling: a security admin resets, the person is told
        assertTrue(flow.command(CAROL, "mfa reset <@U0BOB|bob>").contains("Only the policy's step-up admins"));
        assertTrue(flow.command(DAVE, "mfa reset <@U0BOB|bob>").contains("You reset"));
        assertTrue(flow.command(BOB, "mfa status").contains("not enrolled"));
        RunningBot.await(Workflow.WAIT, () -> bot.slack().messages(BOB).stream()
                .anyMatch(m -> m.text() != null && m.text().contains("reset your step-up")), () -> "BOB not told");
        enrol(BOB);
        flow.press(BOB, flow.card(id), GrantCard.APPROVE, id);
        bot.deliver().viewSubmission(BOB, bot.slack().openModal(BOB).orElseThrow().id(), code(BOB));
        flow.awaitState(id, GrantState.ACTIVE);
    }

    @Test
    void theQrCodeIsServedWhileTheEnrolmentWaitsAndNeverAfter() {
        bot.deliver().slashCommand(DAVE, "C0GENERAL", "mfa enroll");
        SlackView modal = bot.slack().openModal(DAVE).orElseThrow();
        String imageUrl = modal.view().findValuesAsText("image_url").get(0);
        assertTrue(imageUrl.startsWith(PUBLIC_URL + "/step-up/qr/"), imageUrl);
        String path = URI.create(imageUrl).getPath();
        var png = bot.get(path);
        assertEquals(200, png.statusCode());
        assertEquals("image/png", png.headers().firstValue("content-type").orElse(""));
        assertEquals(404, bot.get(path.substring(0, path.length() - 4) + "AAAA").statusCode(), "a forged link");

        secrets.put(DAVE, Rfc6238.secretOf(otpauthIn(modal.view()).orElseThrow()));
        bot.deliver().viewSubmission(DAVE, modal.id(), code(DAVE));
        RunningBot.await(Workflow.WAIT, () -> bot.get(path).statusCode() == 404, () -> "the QR outlived the enrolment");
    }

    @Test
    void theSecretIsInTheEnrolmentModalOnlyNeverInAnotherCallALogLineOrTheAuditLog() {
        anApprovalNeedsTheCodeAndACraftedClickAloneChangesNothing(); // plenty of calls with codes in them
        List<String> leaks = new ArrayList<>();
        Map<String, Integer> modals = new HashMap<>();
        for (RecordedCall call : bot.slack().calls()) {
            String text = call.params().toString() + call.response();
            for (Map.Entry<String, String> s : secrets.entrySet()) {
                if (text.contains(s.getValue())) {
                    boolean enrolment = call.method().equals("views.open") && text.contains(StepUpHandler.ENROL_CALLBACK);
                    if (enrolment) {
                        modals.merge(s.getKey(), 1, Integer::sum);
                    } else {
                        leaks.add(call.method() + " #" + call.seq());
                    }
                }
            }
        }
        assertTrue(leaks.isEmpty(), "secret in " + leaks);
        secrets.keySet().forEach(user -> assertEquals(1, modals.getOrDefault(user, 0),
                "the secret of " + user + " is in its enrolment modal, once: " + modals));
        for (ILoggingEvent e : LogLines.snapshot(logs)) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
            secrets.values().forEach(s -> assertFalse(line.contains(s), "secret in a log line: " + e.getLoggerName()));
        }
        bot.bean(JdbcAuditLog.class).each(entry -> secrets.values().forEach(s ->
                assertFalse(entry.details().toString().contains(s), "secret in audit entry " + entry.seq())));
    }
}

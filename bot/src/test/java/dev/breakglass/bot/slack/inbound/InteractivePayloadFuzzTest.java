package dev.breakglass.bot.slack.inbound;

import dev.breakglass.bot.testing.LogLines;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.breakglass.bot.sandbox.transport.BotAnswer;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.SlackView;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.port.GrantStore;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Arbitrary {@code block_actions} and {@code view_submission} payloads, correctly signed, through the real bot
 * (HTTP, Bolt, the handlers, H2): Dave — who may neither request, approve nor revoke anything in this policy —
 * clicks and submits whatever he likes. Under plain {@code mvn test} this runs the seeds in
 * {@code src/test/resources/dev/breakglass/bot/slack/inbound/InteractivePayloadFuzzTestInputs/<method>/};
 * {@code JAZZER_FUZZ=1} fuzzes for real (docs/benchmarks.md).
 *
 * <p>What must hold for every input: no 5xx; nothing logged at ERROR; no grant created or changed (a pending and
 * an active one are waiting to be approved and revoked); no call to the target.
 *
 * <p>Payloads start from what Slack really sends (the card's Approve click, the request form's submission) and
 * the fuzzer changes the fields handlers read — action id, value, callback id, metadata, form state — or replaces
 * the whole payload with any JSON. Every payload names Dave as the user: the signature proves it came from Slack,
 * and Slack says who clicked.
 */
class InteractivePayloadFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DAVE = Workflow.DAVE;
    private static final String WHY = "orders database down, restoring the replica";
    private static final List<String> ACTIONS = List.of(GrantCard.APPROVE, GrantCard.DENY, GrantCard.CANCEL,
            GrantCard.BREAK_GLASS, GrantCard.REVEAL, GrantCard.DONE, GrantCard.EXTEND, GrantCard.APPROVE_EXTENSION,
            GrantCard.DENY_EXTENSION, GrantCard.RESOLVE);
    private static final List<String> CALLBACKS = List.of(RequestForm.CALLBACK, ReviewForm.CALLBACK,
            ExtendForm.CALLBACK, ReasonForm.Decision.DENY.callback,
            ReasonForm.Decision.DENY_EXTENSION.callback);

    private static final Bot BOT = new Bot();

    /** The bot, two grants and what they looked like, made once for every input. */
    private static final class Bot {
        final WebhookReceiver receiver = new WebhookReceiver();
        final RunningBot bot = RunningBot.builder().policy(Workflow.policy(receiver)).start()
                .awaitHealthy(Duration.ofSeconds(60));
        final Workflow workflow = new Workflow(bot);
        final GrantId pending = workflow.request(Workflow.ALICE, "orders-db 30m " + WHY);
        final GrantId active = workflow.activeGrant(Workflow.ALICE, Workflow.CAROL, "orders-db 30m " + WHY);
        final Message card = workflow.card(pending);
        final ObjectNode click;
        final ObjectNode submission;
        final Map<GrantId, Grant> before;
        final int targetCalls;
        final ListAppender<ILoggingEvent> logs = new ListAppender<>();

        Bot() {
            click = bot.deliver().blockActionPayload(Workflow.BOB, card.channel(), card.ts(), GrantCard.APPROVE,
                    pending.toString());
            // Alice's request form as Slack would submit it: the shape of a real view_submission.
            bot.deliver().slashCommand(Workflow.ALICE, "C0GENERAL", "");
            SlackView form = bot.slack().openModal(Workflow.ALICE).orElseThrow();
            submission = bot.deliver().viewSubmissionPayload(Workflow.ALICE, form.id(),
                    dev.breakglass.bot.sandbox.transport.ViewInput.create());
            before = grants();
            targetCalls = receiver.calls().size();
            logs.start();
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                bot.close();
                receiver.close();
            }));
        }

        Map<GrantId, Grant> grants() {
            return bot.bean(GrantStore.class).findByState(EnumSet.allOf(GrantState.class)).stream()
                    .collect(Collectors.toMap(Grant::id, g -> g));
        }
    }

    /** A click on a message: the card's Approve click with any action, value, block and extra state. */
    @FuzzTest
    void blockActions(FuzzedDataProvider data) {
        ObjectNode p = BOT.click.deepCopy();
        ObjectNode action = (ObjectNode) p.path("actions").path(0);
        action.put("action_id", data.consumeBoolean() ? data.pickValue(ACTIONS) : data.consumeString(60));
        action.put("value", switch (data.consumeInt(0, 2)) {
            case 0 -> BOT.pending.toString();
            case 1 -> BOT.active.toString();
            default -> data.consumeString(60);
        });
        if (data.consumeBoolean()) {
            action.put("block_id", data.consumeString(40));
        }
        if (data.consumeBoolean()) {
            p.set("state", json(data.consumeString(400)));
        }
        if (data.consumeBoolean()) {
            p.put("type", data.consumeString(30));
        }
        send(data.consumeBoolean() ? p : json(data.consumeRemainingAsString()));
    }

    /** A form submitted: Alice's request form's shape with any callback, metadata and input state. */
    @FuzzTest
    void viewSubmission(FuzzedDataProvider data) {
        ObjectNode p = BOT.submission.deepCopy();
        ObjectNode view = (ObjectNode) p.path("view");
        view.put("callback_id", data.consumeBoolean() ? data.pickValue(CALLBACKS) : data.consumeString(40));
        view.put("private_metadata", switch (data.consumeInt(0, 2)) {
            case 0 -> BOT.pending.toString();
            case 1 -> BOT.active.toString();
            default -> data.consumeString(200);
        });
        JsonNode values = json(data.consumeString(2000));
        view.putObject("state").set("values", values);
        if (data.consumeBoolean()) {
            view.put("id", data.consumeString(20));
        }
        send(data.consumeBoolean() ? p : json(data.consumeRemainingAsString()));
    }

    /** Any text as JSON: parsed when it is JSON, else kept as a string (Bolt then gets a payload that is not). */
    private static JsonNode json(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null ? TextNode.valueOf(text) : node;
        } catch (Exception e) {
            return TextNode.valueOf(text);
        }
    }

    private static void send(JsonNode payload) {
        if (payload instanceof ObjectNode object) {
            // Slack says who acted; whatever else the payload claims, it is Dave.
            object.putObject("user").put("id", DAVE).put("username", "dave");
        }
        String raw = payload.isTextual() ? payload.asText() : payload.toString();
        int logged = BOT.logs.list.size();
        BotAnswer answer = BOT.bot.signedHttp().post("application/x-www-form-urlencoded",
                "payload=" + URLEncoder.encode(raw, StandardCharsets.UTF_8));

        assertTrue(answer.status() < 500, "HTTP " + answer.status() + " for " + raw + ": " + answer.body());
        List<ILoggingEvent> all = LogLines.snapshot(BOT.logs);
        List<ILoggingEvent> errors = all.subList(logged, all.size()).stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).toList();
        assertTrue(errors.isEmpty(), () -> "logged " + errors.get(0).getFormattedMessage() + " for " + raw);
        assertEquals(BOT.before, BOT.grants(), "no grant created or changed by " + raw);
        assertEquals(BOT.targetCalls, BOT.receiver.calls().size(), "no call to the target for " + raw);
    }
}

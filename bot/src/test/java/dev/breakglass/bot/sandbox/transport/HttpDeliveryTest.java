package dev.breakglass.bot.sandbox.transport;

import dev.breakglass.bot.sandbox.webapi.WebApiTest;

import dev.breakglass.bot.sandbox.EmulatorFixture;
import dev.breakglass.bot.sandbox.BotReceiver;

import dev.breakglass.bot.sandbox.state.EphemeralMessage;
import dev.breakglass.bot.sandbox.state.Json;
import dev.breakglass.bot.sandbox.state.SlackView;

import dev.breakglass.bot.testing.SlackSamples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.Gson;
import com.slack.api.app_backend.SlackSignature;
import com.slack.api.app_backend.events.payload.AppHomeOpenedPayload;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.slash_commands.SlashCommandPayloadParser;
import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.app_backend.views.payload.ViewSubmissionPayload;
import com.slack.api.util.json.GsonFactory;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Signed HTTP deliveries, checked by a tiny receiver with Bolt's own verifier and payload classes. */
public class HttpDeliveryTest {
    static final String SECRET = "sandbox-signing-secret";
    static final Gson GSON = GsonFactory.createSnakeCase();

    EmulatorFixture f;
    BotReceiver bot;
    SlackDelivery slack;

    @BeforeEach
    void start() {
        f = new EmulatorFixture();
        bot = new BotReceiver();
        slack = f.emulator.httpDelivery(bot.url(), SECRET);
    }

    @AfterEach
    void stop() throws Exception {
        bot.close();
        f.close();
    }

    /** Bolt's RequestVerification, at the emulator clock's time. */
    boolean verifies(BotReceiver.Received r) {
        SlackSignature.Verifier verifier = new SlackSignature.Verifier(new SlackSignature.Generator(SECRET));
        return verifier.isValid(r.header("X-Slack-Request-Timestamp"), r.body(), r.header("X-Slack-Signature"),
                f.clock.millis());
    }

    static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }

    static String payloadJson(String body) {
        assertTrue(body.startsWith("payload="), body);
        return URLDecoder.decode(body.substring("payload=".length()), StandardCharsets.UTF_8);
    }

    public static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return keys;
    }

    @Test
    void aSlashCommandIsASignedFormBodyWithSlacksFields() {
        DeliveryResult result = slack.slashCommand("U0ALICE", "C0GENERAL", "request orders-db 30m disk full / INC-42");

        BotReceiver.Received r = bot.last();
        assertEquals("application/x-www-form-urlencoded", r.contentType());
        assertEquals(Long.toString(EmulatorFixture.START.getEpochSecond()), r.header("X-Slack-Request-Timestamp"));
        assertTrue(verifies(r), "Bolt's verifier accepts the signature");

        Map<String, String> fields = form(r.body());
        assertEquals(List.of("token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
                "command", "text", "api_app_id", "is_enterprise_install", "response_url", "trigger_id"), List.copyOf(fields.keySet()));
        assertEquals("T0SANDBOX", fields.get("team_id"));
        assertEquals("breakglass-sandbox", fields.get("team_domain"));
        assertEquals("C0GENERAL", fields.get("channel_id"));
        assertEquals("general", fields.get("channel_name"));
        assertEquals("alice", fields.get("user_name"));
        assertEquals("/breakglass", fields.get("command"));
        assertEquals("request orders-db 30m disk full / INC-42", fields.get("text"));
        assertEquals(result.responseUrl(), fields.get("response_url"));
        assertEquals(result.triggerId(), fields.get("trigger_id"));
        assertTrue(r.body().contains("command=%2Fbreakglass"), "encoded like Slack: " + r.body());
        assertTrue(r.body().contains("text=request+orders-db+30m"), "spaces as +, like Slack: " + r.body());

        SlashCommandPayload parsed = new SlashCommandPayloadParser().parse(r.body());
        assertEquals("U0ALICE", parsed.getUserId());
        assertEquals("/breakglass", parsed.getCommand());
        assertEquals("A0BREAKGLASS", parsed.getApiAppId());
        assertEquals(result.triggerId(), parsed.getTriggerId());
    }

    @Test
    void theSlashCommandFieldsAreSlacksFields() {
        slack.slashCommand("U0ALICE", "C0GENERAL", "help");
        Set<String> ours = form(bot.last().body()).keySet();

        Set<String> documented = form(SlackSamples.text("requests/slash_command_form_body_signing_doc_example.txt")).keySet();
        assertTrue(ours.containsAll(documented), "every field of Slack's documented example: " + documented);
        List<String> shape = keys(SlackSamples.json("shapes/SlashCommandPayload.shape.json"));
        assertTrue(shape.containsAll(ours), "no field Slack does not send: " + ours);
    }

    @Test
    void aCommandFromTheDmWithTheBotNamesTheDm() {
        slack.slashCommand("U0ALICE", "U0ALICE", "list");
        Map<String, String> fields = form(bot.last().body());
        assertEquals("D0ALICE", fields.get("channel_id"));
        assertEquals("directmessage", fields.get("channel_name"));
    }

    @Test
    void theAcknowledgementBodyBecomesAnEphemeralMessage() {
        bot.replies = r -> BotReceiver.Reply.json("{\"text\":\"Unknown command. Try /breakglass help\"}");

        DeliveryResult result = slack.slashCommand("U0ALICE", "C0GENERAL", "frobnicate");

        assertTrue(result.applied());
        assertEquals(200, result.status());
        assertEquals("Unknown command. Try /breakglass help", result.json().get("text").asText());
        List<EphemeralMessage> seen = f.emulator.ephemeralMessages("C0GENERAL", "U0ALICE");
        assertEquals("Unknown command. Try /breakglass help", seen.get(0).text());
        assertEquals("ack", seen.get(0).via());
    }

    @Test
    void aLateAcknowledgementIsNotApplied() {
        bot.replies = r -> new BotReceiver.Reply(200, "application/json", "{\"text\":\"too late\"}", 300);

        DeliveryResult result = slack.withAckDeadline(Duration.ofMillis(100)).slashCommand("U0ALICE", "C0GENERAL", "list");

        assertFalse(result.applied());
        assertTrue(result.answer().elapsed().toMillis() >= 300);
        assertTrue(f.emulator.ephemeralMessages("U0ALICE").isEmpty());
    }

    @Test
    void aClickOnAMessageIsAPayloadBoltParses() throws Exception {
        String ts = f.bot().chatPostMessage(x -> x.channel("C0APPROVALS").text("BG-7").blocks(WebApiTest.card())).getTs();

        DeliveryResult result = slack.blockAction("U0BOB", "C0APPROVALS", ts, "approve", null);

        BotReceiver.Received r = bot.last();
        assertEquals("application/x-www-form-urlencoded", r.contentType());
        assertTrue(verifies(r));
        BlockActionPayload p = GSON.fromJson(payloadJson(r.body()), BlockActionPayload.class);
        assertEquals("block_actions", p.getType());
        assertEquals("U0BOB", p.getUser().getId());
        assertEquals("bob", p.getUser().getUsername());
        assertEquals("T0SANDBOX", p.getTeam().getId());
        assertEquals("C0APPROVALS", p.getChannel().getId());
        assertEquals("breakglass-approvals", p.getChannel().getName());
        assertEquals("message", p.getContainer().getType());
        assertEquals(ts, p.getContainer().getMessageTs());
        assertFalse(p.getContainer().isEphemeral());
        assertEquals(ts, p.getMessage().getTs());
        assertEquals(2, p.getMessage().getBlocks().size());
        assertEquals("approve", p.getActions().get(0).getActionId());
        assertEquals("BG-7", p.getActions().get(0).getValue());
        assertEquals("Approve", p.getActions().get(0).getText().getText());
        assertEquals("button", p.getActions().get(0).getType());
        assertNotNull(p.getActions().get(0).getBlockId());
        assertEquals(result.responseUrl(), p.getResponseUrl());
        assertEquals(result.triggerId(), p.getTriggerId());

        JsonNode sample = SlackSamples.json("requests/block_actions_button_in_message.json");
        assertTrue(keys(Json.parse(payloadJson(r.body()))).containsAll(keys(sample)), "every field of Slack's sample");
    }

    @Test
    void theResponseUrlOfAClickCanReplaceTheMessage() throws Exception {
        String ts = f.bot().chatPostMessage(x -> x.channel("C0APPROVALS").text("BG-7").blocks(WebApiTest.card())).getTs();
        DeliveryResult result = slack.blockAction("U0BOB", "C0APPROVALS", ts, "deny", "BG-7");

        new com.slack.api.bolt.util.Responder(f.slack, result.responseUrl()).sendToAction(b -> b.replaceOriginal(true).text("Denied"));

        assertEquals("Denied", f.emulator.message("C0APPROVALS", ts).orElseThrow().text());
    }

    @Test
    void aClickOnAnEphemeralMessageHasNoMessageAndSaysEphemeral() throws Exception {
        String ts = f.bot().chatPostEphemeral(x -> x.channel("C0GENERAL").user("U0ALICE").text("creds ready")
                .blocks(WebApiTest.card())).getMessageTs();

        slack.blockAction("U0ALICE", "C0GENERAL", ts, "approve", null);

        JsonNode p = Json.parse(payloadJson(bot.last().body()));
        assertTrue(p.get("container").get("is_ephemeral").asBoolean());
        assertFalse(p.has("message"));
        assertThrows(IllegalArgumentException.class, () -> slack.blockAction("U0BOB", "C0GENERAL", ts, "approve", null),
                "bob does not see alice's ephemeral message");
    }

    @Test
    void clickingSomethingThatIsNotThereIsATestMistake() throws Exception {
        String ts = f.bot().chatPostMessage(x -> x.channel("C0APPROVALS").text("BG-7").blocks(WebApiTest.card())).getTs();
        assertThrows(IllegalArgumentException.class, () -> slack.blockAction("U0BOB", "C0APPROVALS", ts, "nope", null));
        assertThrows(IllegalArgumentException.class, () -> slack.blockAction("U0BOB", "C0APPROVALS", "1.000000", "approve", null));
        assertThrows(IllegalArgumentException.class, () -> slack.blockAction("U0NOBODY", "C0APPROVALS", ts, "approve", null));
    }

    @Test
    void aSubmissionCarriesTheStateAndAnEmptyAckClosesTheModal() throws Exception {
        String viewId = f.bot().viewsOpen(x -> x.triggerId(f.emulator.issueTriggerId("U0ALICE"))
                .view(WebApiTest.modal("request"))).getView().getId();

        DeliveryResult result = slack.viewSubmission("U0ALICE", viewId,
                ViewInput.create().plainText("justification", "text", "Disk full on orders-db, INC-42"));

        BotReceiver.Received r = bot.last();
        assertTrue(verifies(r));
        ViewSubmissionPayload p = GSON.fromJson(payloadJson(r.body()), ViewSubmissionPayload.class);
        assertEquals("view_submission", p.getType());
        assertEquals("U0ALICE", p.getUser().getId());
        assertEquals(viewId, p.getView().getId());
        assertEquals("request", p.getView().getCallbackId());
        assertEquals("BG-7", p.getView().getPrivateMetadata());
        assertEquals("Disk full on orders-db, INC-42",
                p.getView().getState().getValues().get("justification").get("text").getValue());
        assertNotNull(result.triggerId());
        assertNull(result.responseUrl());

        JsonNode ours = Json.parse(payloadJson(r.body()));
        JsonNode sample = SlackSamples.json("requests/view_submission_request_modal_real.json");
        assertTrue(keys(ours).containsAll(keys(sample)), "every field of Slack's sample");
        assertEquals(Set.copyOf(keys(sample.get("view"))), Set.copyOf(keys(ours.get("view"))), "the view object has Slack's fields");

        assertTrue(f.emulator.view(viewId).orElseThrow().closed());
        assertTrue(f.emulator.openModal("U0ALICE").isEmpty());
    }

    @Test
    void responseActionErrorsKeepsTheModalOpen() throws Exception {
        String viewId = f.bot().viewsOpen(x -> x.triggerId(f.emulator.issueTriggerId("U0ALICE"))
                .view(WebApiTest.modal("request"))).getView().getId();
        bot.replies = r -> BotReceiver.Reply.json(
                "{\"response_action\":\"errors\",\"errors\":{\"justification\":\"At least 10 characters\"}}");

        slack.viewSubmission("U0ALICE", viewId, ViewInput.create().plainText("justification", "text", "short"));

        SlackView v = f.emulator.view(viewId).orElseThrow();
        assertFalse(v.closed());
        assertEquals("At least 10 characters", v.errors().get("justification").asText());
    }

    @Test
    void responseActionUpdateReplacesTheModal() throws Exception {
        String viewId = f.bot().viewsOpen(x -> x.triggerId(f.emulator.issueTriggerId("U0ALICE"))
                .view(WebApiTest.modal("request"))).getView().getId();
        bot.replies = r -> BotReceiver.Reply.json("{\"response_action\":\"update\",\"view\":{\"type\":\"modal\","
                + "\"callback_id\":\"done\",\"title\":{\"type\":\"plain_text\",\"text\":\"Requested\"},\"blocks\":[]}}");

        slack.viewSubmission("U0ALICE", viewId, ViewInput.create().plainText("justification", "text", "long enough text"));

        SlackView v = f.emulator.view(viewId).orElseThrow();
        assertFalse(v.closed());
        assertEquals("done", v.callbackId());
    }

    @Test
    void closingAModalSendsViewClosedOnlyWhenTheViewAsked() throws Exception {
        String quiet = f.bot().viewsOpen(x -> x.triggerId(f.emulator.issueTriggerId("U0ALICE"))
                .view(WebApiTest.modal("request"))).getView().getId();
        int before = bot.received.size();
        assertTrue(slack.viewClosed("U0ALICE", quiet).isEmpty(), "nothing is sent without notify_on_close");
        assertEquals(before, bot.received.size());
        assertTrue(f.emulator.view(quiet).orElseThrow().closed());
        assertThrows(IllegalStateException.class, () -> slack.viewClosed("U0ALICE", quiet), "closed already");

        var notifying = WebApiTest.modal("request");
        notifying.setNotifyOnClose(true);
        String viewId = f.bot().viewsOpen(x -> x.triggerId(f.emulator.issueTriggerId("U0ALICE")).view(notifying))
                .getView().getId();
        assertThrows(IllegalStateException.class, () -> slack.viewClosed("U0BOB", viewId), "not Bob's screen");
        DeliveryResult result = slack.viewClosed("U0ALICE", viewId).orElseThrow();

        BotReceiver.Received r = bot.last();
        assertTrue(verifies(r));
        JsonNode p = Json.parse(payloadJson(r.body()));
        assertEquals("view_closed", p.path("type").asText());
        assertEquals("U0ALICE", p.path("user").path("id").asText());
        assertEquals(viewId, p.path("view").path("id").asText());
        assertEquals("request", p.path("view").path("callback_id").asText());
        assertFalse(p.path("is_cleared").asBoolean(true));
        assertNull(result.responseUrl());
        assertTrue(f.emulator.openModal("U0ALICE").isEmpty());
    }

    @Test
    void appHomeOpenedIsASignedEventCallback() throws Exception {
        f.bot().viewsPublish(x -> x.userId("U0DAVE").view(WebApiTest.home("hello")));

        slack.appHomeOpened("U0DAVE");

        BotReceiver.Received r = bot.last();
        assertEquals("application/json", r.contentType());
        assertTrue(verifies(r));
        AppHomeOpenedPayload p = GSON.fromJson(r.body(), AppHomeOpenedPayload.class);
        assertEquals("event_callback", p.getType());
        assertEquals("T0SANDBOX", p.getTeamId());
        assertEquals("app_home_opened", p.getEvent().getType());
        assertEquals("U0DAVE", p.getEvent().getUser());
        assertEquals("home", p.getEvent().getTab());
        assertEquals("D0DAVE", p.getEvent().getChannel());
        assertEquals("home", p.getEvent().getView().getType());
        assertTrue(p.getEventId().startsWith("Ev"));
        assertEquals("U0BREAKGLASS", p.getAuthorizations().get(0).getUserId());
    }

    @Test
    void badSignaturesForTests() {
        HttpDelivery http = (HttpDelivery) slack.transport();
        String body = HttpDelivery.formBody(Map.of("command", "/breakglass"));
        SlackSignature.Verifier verifier = new SlackSignature.Verifier(new SlackSignature.Generator(SECRET));

        for (HttpDelivery.Signing s : HttpDelivery.Signing.values()) {
            http.post("application/x-www-form-urlencoded", body, s, Duration.ofSeconds(5));
            BotReceiver.Received r = bot.last();
            boolean boltAccepts = r.header("X-Slack-Signature") != null && verifier.isValid(
                    r.header("X-Slack-Request-Timestamp"), r.body(), r.header("X-Slack-Signature"), f.clock.millis());
            boolean withinSkew = r.header("X-Slack-Request-Timestamp") != null && Math.abs(
                    Long.parseLong(r.header("X-Slack-Request-Timestamp")) - f.clock.instant().getEpochSecond()) <= 300;
            assertEquals(s == HttpDelivery.Signing.VALID, boltAccepts && withinSkew, s.name());
            // Bolt 1.48.0's verifier only refuses *old* timestamps (now - ts >= 5 min): a request from the
            // future passes it. The bot must check the skew both ways itself (DESIGN: ±300 s).
            assertEquals(s == HttpDelivery.Signing.VALID || s == HttpDelivery.Signing.FUTURE, boltAccepts, s.name());
        }
        http.post("application/x-www-form-urlencoded", body, HttpDelivery.Signing.MISSING, Duration.ofSeconds(5));
        assertNull(bot.last().header("X-Slack-Signature"));
        assertNull(bot.last().header("X-Slack-Request-Timestamp"));

        // a stale request still carries a correct signature for its (old) timestamp: only the time is wrong
        http.post("application/x-www-form-urlencoded", body, HttpDelivery.Signing.STALE, Duration.ofSeconds(5));
        BotReceiver.Received stale = bot.last();
        assertEquals(Long.toString(EmulatorFixture.START.getEpochSecond() - 301), stale.header("X-Slack-Request-Timestamp"));
        assertEquals(new SlackSigner(SECRET).sign(stale.header("X-Slack-Request-Timestamp"), body), stale.header("X-Slack-Signature"));
    }

    @Test
    void aRealPayloadCanBeSentWithAForgedSignature() {
        HttpDelivery http = (HttpDelivery) slack.transport();
        http.deliver(DeliveryTransport.Kind.SLASH_COMMAND, slack.slashCommandPayload("/breakglass", "U0ALICE", "C0GENERAL", "list"),
                HttpDelivery.Signing.FORGED, Duration.ofSeconds(5));
        assertFalse(verifies(bot.last()));
        assertEquals("list", form(bot.last().body()).get("text"));
    }

    @Test
    void urlVerificationSendsTheChallenge() {
        bot.replies = r -> BotReceiver.Reply.json("{\"challenge\":\"" + Json.parse(r.body()).get("challenge").asText() + "\"}");
        BotAnswer answer = ((HttpDelivery) slack.transport()).urlVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
        assertTrue(verifies(bot.last()));
        assertEquals("url_verification", Json.parse(bot.last().body()).get("type").asText());
        assertEquals("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", answer.json().get("challenge").asText());
    }

    @Test
    void anUnreachableBotIsADeliveryException() {
        SlackDelivery nowhere = f.emulator.httpDelivery(URI.create("http://127.0.0.1:1/slack/events"), SECRET);
        assertThrows(SlackDeliveryException.class, () -> nowhere.slashCommand("U0ALICE", "C0GENERAL", "help"));
    }

    @Test
    void aPlainTextAnswerReadsAsText() {
        bot.replies = r -> new BotReceiver.Reply(200, "text/plain", "plain words", 0);
        DeliveryResult result = slack.slashCommand("U0ALICE", "C0GENERAL", "help");
        assertEquals("plain words", result.json().get("text").asText());
        assertEquals("plain words", f.emulator.ephemeralMessages("U0ALICE").get(0).text());
    }
}

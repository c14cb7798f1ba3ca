package dev.breakglass.bot.sandbox;

import dev.breakglass.bot.sandbox.webapi.WebApiTest;

import dev.breakglass.bot.sandbox.state.BlockKitTestData;
import dev.breakglass.bot.sandbox.state.EphemeralMessage;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.SlackView;
import dev.breakglass.bot.sandbox.transport.BotAnswer;
import dev.breakglass.bot.sandbox.transport.DeliveryResult;
import dev.breakglass.bot.sandbox.transport.DeliveryTransport;
import dev.breakglass.bot.sandbox.transport.HttpDelivery;
import dev.breakglass.bot.sandbox.transport.SlackDelivery;
import dev.breakglass.bot.sandbox.transport.ViewInput;

import static com.slack.api.model.block.Blocks.asBlocks;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.Slack;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.bolt.util.SlackRequestParser;
import com.slack.api.model.event.AppHomeOpenedEvent;
import com.slack.api.socket_mode.SocketModeClient;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real Bolt app against the emulator, both ways Slack reaches an app: the loop a user goes through (command →
 * modal → submission → card → click → update and respond → Home tab) must work unchanged.
 */
class BoltAppTest {
    static final String SECRET = "bolt-app-test-secret";

    SlackEmulator emulator;
    Slack slack;
    App app;
    HttpServer endpoint;
    SocketModeApp socketModeApp;

    @BeforeEach
    void start() {
        // the system clock: Bolt checks request timestamps against its own clock
        emulator = SlackEmulator.builder().botToken(EmulatorFixture.BOT_TOKEN).appToken(EmulatorFixture.APP_TOKEN)
                .clock(Clock.systemUTC()).start();
        slack = Slack.getInstance(EmulatorFixture.config(emulator));
    }

    @AfterEach
    void stop() throws Exception {
        if (socketModeApp != null) {
            socketModeApp.close();
        }
        if (endpoint != null) {
            endpoint.stop(0);
        }
        if (app != null) {
            app.stop();
        }
        slack.close();
        emulator.close();
    }

    private App breakglassLikeApp() {
        App a = new App(AppConfig.builder().singleTeamBotToken(EmulatorFixture.BOT_TOKEN).signingSecret(SECRET)
                .slack(slack).build());
        a.command("/breakglass", (req, ctx) -> {
            // over HTTP Bolt parses an empty "text=" as null; over Socket Mode it is ""
            String text = req.getPayload().getText();
            if (text == null || text.isEmpty()) {
                var opened = ctx.client().viewsOpen(v -> v.triggerId(ctx.getTriggerId()).view(WebApiTest.modal("request")));
                return opened.isOk() ? ctx.ack() : ctx.ack("could not open: " + opened.getError());
            }
            ctx.respond("Looking up " + text + "…");
            return ctx.ack("Working on `" + text + "`");
        });
        a.viewSubmission("request", (req, ctx) -> {
            String justification = req.getPayload().getView().getState().getValues()
                    .get("justification").get("text").getValue();
            if (justification.length() < 10) {
                return ctx.ackWithErrors(Map.of("justification", "At least 10 characters"));
            }
            ctx.client().chatPostMessage(r -> r.channel("C0APPROVALS").text("BG-7: " + justification).blocks(WebApiTest.card()));
            return ctx.ack();
        });
        a.blockAction("approve", (req, ctx) -> {
            var p = req.getPayload();
            ctx.client().chatUpdate(r -> r.channel(p.getChannel().getId()).ts(p.getMessage().getTs())
                    .text("Approved by <@" + p.getUser().getId() + ">")
                    .blocks(asBlocks(section(s -> s.text(markdownText("Approved"))))));
            ctx.respond(r -> r.responseType("ephemeral").text("You approved " + p.getActions().get(0).getValue()));
            return ctx.ack();
        });
        a.event(AppHomeOpenedEvent.class, (payload, ctx) -> {
            ctx.client().viewsPublish(r -> r.userId(payload.getEvent().getUser()).view(WebApiTest.home("Your grants: none")));
            return ctx.ack();
        });
        return a;
    }

    /** The bot's HTTP endpoint, the way the Micronaut controller will do it (STACK.md). */
    private URI serveOverHttp(App a) throws Exception {
        SlackRequestParser parser = new SlackRequestParser(a.config());
        endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.createContext("/slack/events", exchange -> {
            try {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Request<?> request = parser.parse(SlackRequestParser.HttpRequest.builder()
                        .requestUri("/slack/events").queryString(Map.of()).requestBody(body)
                        .headers(new RequestHeaders(exchange.getRequestHeaders())).remoteAddress("127.0.0.1").build());
                Response response = a.run(request);
                byte[] out = response.getBody() == null ? new byte[0] : response.getBody().getBytes(StandardCharsets.UTF_8);
                if (response.getContentType() != null) {
                    exchange.getResponseHeaders().set("Content-Type", response.getContentType());
                }
                exchange.sendResponseHeaders(response.getStatusCode(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream os = exchange.getResponseBody()) {
                        os.write(out);
                    }
                }
            } catch (Exception e) {
                exchange.sendResponseHeaders(500, -1);
            } finally {
                exchange.close();
            }
        });
        endpoint.start();
        return URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/slack/events");
    }

    /** The whole loop, whichever way it is delivered. */
    private void runTheLoop(SlackDelivery slack) {
        // /breakglass with no text opens the request modal through the trigger_id of the command
        DeliveryResult opened = slack.slashCommand("U0ALICE", "C0GENERAL", "");
        assertEquals(200, opened.status(), opened.answer().body());
        SlackView modal = emulator.openModal("U0ALICE").orElseThrow();
        assertEquals("request", modal.callbackId());
        assertEquals(opened.triggerId(), emulator.calls("views.open").get(0).param("trigger_id"));

        // too short: Bolt answers response_action errors and the modal stays open
        slack.viewSubmission("U0ALICE", modal.id(), ViewInput.create().plainText("justification", "text", "short"));
        assertEquals("At least 10 characters", emulator.view(modal.id()).orElseThrow().errors().get("justification").asText());

        // long enough: the modal closes and the card is posted
        slack.viewSubmission("U0ALICE", modal.id(), ViewInput.create().plainText("justification", "text", "Disk full, INC-42"));
        assertTrue(emulator.view(modal.id()).orElseThrow().closed());
        Message card = emulator.messages("C0APPROVALS").get(0);
        assertEquals("BG-7: Disk full, INC-42", card.text());

        // bob approves: chat.update edits the card, respond() shows bob an ephemeral message
        DeliveryResult click = slack.blockAction("U0BOB", "C0APPROVALS", card.ts(), "approve", null);
        assertEquals(200, click.status());
        Message updated = emulator.message("C0APPROVALS", card.ts()).orElseThrow();
        assertEquals("Approved by <@U0BOB>", updated.text());
        assertTrue(updated.edited());
        assertEquals("You approved BG-7", emulator.ephemeralMessages("C0APPROVALS", "U0BOB").get(0).text());

        // a command with text: the ack body and a respond() both reach the user
        DeliveryResult list = slack.slashCommand("U0ALICE", "C0GENERAL", "list");
        assertTrue(list.applied());
        List<String> alice = emulator.ephemeralMessages("C0GENERAL", "U0ALICE").stream().map(EphemeralMessage::text).toList();
        assertTrue(alice.contains("Working on `list`"), alice.toString());
        assertTrue(alice.contains("Looking up list…"), alice.toString());

        // the Home tab
        slack.appHomeOpened("U0DAVE");
        assertEquals("Your grants: none",
                emulator.homeView("U0DAVE").orElseThrow().view().get("blocks").get(0).get("text").get("text").asText());
    }

    @Test
    void overHttp() throws Exception {
        app = breakglassLikeApp();
        // Bolt calls auth.test when the app starts (app.start(), app.use(…), or lazily on the first request),
        // not when it is built; a bad token then throws IllegalArgumentException
        assertEquals(0, emulator.calls("auth.test").size());
        app.start();
        assertEquals(1, emulator.calls("auth.test").size());
        URI url = serveOverHttp(app);

        runTheLoop(emulator.httpDelivery(url, SECRET));
    }

    @Test
    void overSocketMode() throws Exception {
        app = breakglassLikeApp();
        socketModeApp = new SocketModeApp(EmulatorFixture.APP_TOKEN, SocketModeClient.Backend.JavaWebSocket, app);
        socketModeApp.startAsync();
        assertTrue(emulator.socketModeServer().awaitConnection(Duration.ofSeconds(10)));

        runTheLoop(emulator.socketModeDelivery());
    }

    @Test
    void boltRefusesABadSignature() throws Exception {
        app = breakglassLikeApp();
        HttpDelivery http = new HttpDelivery(serveOverHttp(app), SECRET, Clock.systemUTC());
        SlackDelivery slack = emulator.httpDelivery(http.eventsUrl(), SECRET);
        var payload = slack.slashCommandPayload("/breakglass", "U0ALICE", "C0GENERAL", "list");

        for (HttpDelivery.Signing s : List.of(HttpDelivery.Signing.FORGED, HttpDelivery.Signing.STALE, HttpDelivery.Signing.MISSING)) {
            BotAnswer answer = http.deliver(DeliveryTransport.Kind.SLASH_COMMAND, payload, s, Duration.ofSeconds(5));
            assertEquals(401, answer.status(), s.name());
        }
        assertEquals(200, http.deliver(DeliveryTransport.Kind.SLASH_COMMAND, payload, HttpDelivery.Signing.VALID,
                Duration.ofSeconds(5)).status());
    }

    @Test
    void aBadBotTokenFailsWhenTheAppStarts() {
        App wrongToken = new App(AppConfig.builder().singleTeamBotToken("xoxb-wrong").signingSecret(SECRET).slack(slack).build());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, wrongToken::start);
        assertTrue(e.getMessage().contains("invalid_auth"), e.getMessage());
    }

    @Test
    void anUnhandledActionIsA404AndNotApplied() throws Exception {
        app = breakglassLikeApp();
        SlackDelivery slack = emulator.httpDelivery(serveOverHttp(app), SECRET);
        String ts = emulator.state().post("C0APPROVALS", "card", BlockKitTestData.denyOnly(), null, "chat.postMessage").ts;

        DeliveryResult result = slack.blockAction("U0BOB", "C0APPROVALS", ts, "deny", null);

        assertEquals(404, result.status());
        assertFalse(result.applied());
    }
}

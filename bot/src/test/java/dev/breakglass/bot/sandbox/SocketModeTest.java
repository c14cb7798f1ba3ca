package dev.breakglass.bot.sandbox;

import dev.breakglass.bot.sandbox.webapi.WebApiTest;
import dev.breakglass.bot.sandbox.transport.HttpDeliveryTest;

import dev.breakglass.bot.sandbox.state.Json;
import dev.breakglass.bot.sandbox.transport.DeliveryResult;
import dev.breakglass.bot.sandbox.transport.SlackDelivery;
import dev.breakglass.bot.sandbox.transport.SlackDeliveryException;
import dev.breakglass.bot.sandbox.transport.SocketModeServer;

import dev.breakglass.bot.testing.SlackSamples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonObject;
import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.socket_mode.response.AckResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Socket Mode with Bolt's own SocketModeClient on the Java-WebSocket backend. */
class SocketModeTest {
    EmulatorFixture f;
    SocketModeClient client;
    final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        f = new EmulatorFixture();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        f.close();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Connects through apps.connections.open, as Bolt does, and acks slash commands with a text payload. */
    private void connectBolt() throws Exception {
        client = f.slack.socketMode(EmulatorFixture.APP_TOKEN, SocketModeClient.Backend.JavaWebSocket);
        client.addWebSocketMessageListener(received::add);
        client.addSlashCommandsEnvelopeListener(envelope -> {
            JsonObject ack = new JsonObject();
            ack.addProperty("envelope_id", envelope.getEnvelopeId());
            JsonObject payload = new JsonObject();
            String text = envelope.getPayload().getAsJsonObject().get("text").getAsString();
            payload.addProperty("text", "got " + text);
            ack.add("payload", payload);
            client.sendSocketModeResponse(ack.toString());
        });
        client.addInteractiveEnvelopeListener(envelope -> client.sendSocketModeResponse(new AckResponse(envelope.getEnvelopeId())));
        client.addEventsApiEnvelopeListener(envelope -> client.sendSocketModeResponse(new AckResponse(envelope.getEnvelopeId())));
        client.connect();
        await(() -> received.stream().anyMatch(m -> m.contains("\"hello\"")), "hello");
    }

    @Test
    void boltConnectsThroughAppsConnectionsOpenAndGetsHello() throws Exception {
        connectBolt();

        assertEquals(1, f.emulator.calls("apps.connections.open").size());
        assertTrue(f.emulator.socketModeServer().awaitConnection(Duration.ofSeconds(5)));
        JsonNode hello = Json.parse(received.get(0));
        assertEquals("hello", hello.get("type").asText());
        assertEquals(1, hello.get("num_connections").asInt());
        assertEquals("A0BREAKGLASS", hello.get("connection_info").get("app_id").asText());

        JsonNode sample = SlackSamples.json("socket_mode/hello.json");
        assertEquals(HttpDeliveryTest.keys(sample), HttpDeliveryTest.keys(hello), "Slack's hello fields");
    }

    @Test
    void aSlashCommandEnvelopeIsAckedWithItsEnvelopeId() throws Exception {
        connectBolt();

        SocketModeServer.Ack ack = f.emulator.socketModeServer()
                .send("slash_commands", SlackSamples.json("socket_mode/slash_commands_envelope.json").get("payload"), true)
                .get(10, TimeUnit.SECONDS);

        JsonNode sent = Json.parse(received.get(received.size() - 1));
        assertEquals("slash_commands", sent.get("type").asText());
        assertTrue(sent.get("accepts_response_payload").asBoolean());
        assertEquals(sent.get("envelope_id").asText(), ack.envelopeId());
        assertEquals("got ", ack.payload().get("text").asText());
        assertEquals(HttpDeliveryTest.keys(SlackSamples.json("socket_mode/slash_commands_envelope.json")), HttpDeliveryTest.keys(sent));
    }

    @Test
    void theDeliveryApiWorksOverSocketMode() throws Exception {
        connectBolt();
        SlackDelivery slack = f.emulator.socketModeDelivery();

        DeliveryResult result = slack.slashCommand("U0ALICE", "C0GENERAL", "list");

        assertEquals(200, result.status());
        assertTrue(result.applied());
        assertEquals("got list", result.json().get("text").asText());
        assertEquals("got list", f.emulator.ephemeralMessages("C0GENERAL", "U0ALICE").get(0).text());
        JsonNode envelope = Json.parse(received.get(received.size() - 1));
        assertEquals("U0ALICE", envelope.get("payload").get("user_id").asText());
        assertEquals(result.triggerId(), envelope.get("payload").get("trigger_id").asText());

        String ts = f.bot().chatPostMessage(x -> x.channel("C0APPROVALS").text("card").blocks(WebApiTest.card())).getTs();
        DeliveryResult click = slack.blockAction("U0BOB", "C0APPROVALS", ts, "approve", null);
        assertEquals("", click.answer().body(), "a bare ack");
        JsonNode interactive = Json.parse(received.get(received.size() - 1));
        assertEquals("interactive", interactive.get("type").asText());
        assertFalse(interactive.get("accepts_response_payload").asBoolean());
        assertEquals("block_actions", interactive.get("payload").get("type").asText());

        slack.appHomeOpened("U0BOB");
        assertEquals("events_api", Json.parse(received.get(received.size() - 1)).get("type").asText());
    }

    @Test
    void noAckInTimeIsADeliveryException() throws Exception {
        client = f.slack.socketMode(EmulatorFixture.APP_TOKEN, SocketModeClient.Backend.JavaWebSocket);
        client.connect(); // no listeners: nothing is acked
        assertTrue(f.emulator.socketModeServer().awaitConnection(Duration.ofSeconds(10)));
        SlackDelivery slack = f.emulator.socketModeDelivery().withTimeout(Duration.ofMillis(300));
        assertThrows(SlackDeliveryException.class, () -> slack.slashCommand("U0ALICE", "C0GENERAL", "list"));
    }

    @Test
    void withoutAConnectionThereIsNothingToDeliverTo() {
        assertThrows(SlackDeliveryException.class, () -> f.emulator.socketModeDelivery().slashCommand("U0ALICE", "C0GENERAL", "list"));
    }

    @Test
    void aDisconnectMessageMakesBoltReconnectThroughAppsConnectionsOpen() throws Exception {
        connectBolt();
        f.emulator.socketModeServer().sendDisconnect("refresh_requested");

        await(() -> f.emulator.calls("apps.connections.open").size() == 2, "a second apps.connections.open");
        await(() -> received.stream().filter(m -> m.contains("\"hello\"")).count() == 2, "a second hello");
        DeliveryResult result = f.emulator.socketModeDelivery().slashCommand("U0ALICE", "C0GENERAL", "again");
        assertEquals("got again", result.json().get("text").asText());
    }

    @Test
    void aTicketIsGoodForOneConnection() throws Exception {
        String url = f.app().appsConnectionsOpen(x -> x).getUrl();
        Probe first = new Probe(url);
        assertTrue(first.connectBlocking(5, TimeUnit.SECONDS));
        first.close();

        Probe reused = new Probe(url);
        assertFalse(reused.connectBlocking(5, TimeUnit.SECONDS), "a used ticket is refused");
        Probe none = new Probe("ws://127.0.0.1:" + f.emulator.socketModeServer().port() + "/link/");
        assertFalse(none.connectBlocking(5, TimeUnit.SECONDS), "no ticket is refused");
    }

    @Test
    void withoutAnAppTokenThereIsNoSocketMode() {
        try (SlackEmulator httpOnly = SlackEmulator.builder().botToken("xoxb-x").start()) {
            assertThrows(IllegalStateException.class, httpOnly::socketModeDelivery);
        }
    }

    @Test
    void unmatchedMessagesAreKept() throws Exception {
        String url = f.app().appsConnectionsOpen(x -> x).getUrl();
        Probe probe = new Probe(url);
        assertTrue(probe.connectBlocking(5, TimeUnit.SECONDS));
        probe.send("{\"envelope_id\":\"never-sent\"}");
        await(() -> !f.emulator.socketModeServer().unmatchedMessages().isEmpty(), "the stray ack");
        assertNull(Json.parse(f.emulator.socketModeServer().unmatchedMessages().get(0)).get("payload"));
        probe.close();
    }

    static final class Probe extends WebSocketClient {
        Probe(String url) {
            super(URI.create(url));
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
        }

        @Override
        public void onMessage(String message) {
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
        }

        @Override
        public void onError(Exception ex) {
        }
    }
}

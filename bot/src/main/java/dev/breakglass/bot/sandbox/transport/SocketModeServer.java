package dev.breakglass.bot.sandbox.transport;

import dev.breakglass.bot.sandbox.state.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;

/**
 * Slack's side of Socket Mode: a WebSocket server on 127.0.0.1 (plain {@code ws://}, which Bolt's
 * {@code SocketModeClient} with {@code Backend.JavaWebSocket} accepts).
 *
 * <p>A client connects with a URL from {@code apps.connections.open} ({@link #issueUrl()}); a ticket is good for
 * one connection, and a handshake without a valid ticket is refused, so a bot that skips
 * {@code apps.connections.open} fails as it would on Slack. On connect the server sends {@code hello}
 * (slack-samples/socket_mode/hello.json). {@link #send} wraps a payload in an envelope
 * ({@code envelope_id}, {@code type}, {@code payload}, {@code accepts_response_payload}) and completes when the
 * client's ack ({@code {"envelope_id": …, "payload"?: …}}) comes back.
 *
 * <p>Edge cases: with several connections an envelope goes to the newest open one (Bolt opens a new connection
 * before closing the old when it refreshes); messages from the client that are not acks of a pending envelope
 * are kept in {@link #unmatchedMessages()}; pings are answered by the library (Bolt's session monitor relies
 * on it).
 */
public final class SocketModeServer implements DeliveryTransport, AutoCloseable {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String appId;
    private final Server server;
    private final CountDownLatch started = new CountDownLatch(1);
    private final Set<String> tickets = ConcurrentHashMap.newKeySet();
    private final List<WebSocket> connections = new CopyOnWriteArrayList<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final List<String> unmatched = new CopyOnWriteArrayList<>();
    private final Object connectionsChanged = new Object();
    private volatile Exception startFailure;

    /** A server for this app id on 127.0.0.1:{@code port} (0 = any free port). Call {@link #start()}. */
    public SocketModeServer(String appId, int port) {
        this.appId = appId;
        this.server = new Server(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server.setReuseAddr(true);
        server.setDaemon(true);
        // Slack's own liveness checking is not emulated; the client's pings are answered all the same
        server.setConnectionLostTimeout(0);
    }

    /** Starts listening; returns once the port is bound. */
    public void start() {
        server.start();
        try {
            if (!started.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Socket Mode server did not start within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the Socket Mode server", e);
        }
        if (startFailure != null) {
            throw new IllegalStateException("Socket Mode server failed to start", startFailure);
        }
    }

    /** The bound port. */
    public int port() {
        return server.getPort();
    }

    /**
     * A fresh connection URL, as {@code apps.connections.open} returns:
     * {@code ws://127.0.0.1:<port>/link/?ticket=<uuid>&app_id=<app id>}. Single use.
     */
    public String issueUrl() {
        String ticket = UUID.randomUUID().toString();
        tickets.add(ticket);
        return "ws://127.0.0.1:" + port() + "/link/?ticket=" + ticket + "&app_id=" + appId;
    }

    /** Open connections now. */
    public int openConnections() {
        return (int) connections.stream().filter(WebSocket::isOpen).count();
    }

    /** Waits until at least one connection is open. */
    public boolean awaitConnection(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (connectionsChanged) {
            while (openConnections() == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(connectionsChanged, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Sends an envelope to the newest open connection.
     *
     * @param type                   {@code slash_commands}, {@code interactive} or {@code events_api}
     * @param payload                the payload
     * @param acceptsResponsePayload Slack sets it for slash commands and view submissions
     * @return the ack, when it arrives (never completes if it does not: use a timeout)
     * @throws SlackDeliveryException when no connection is open
     */
    public CompletableFuture<Ack> send(String type, JsonNode payload, boolean acceptsResponsePayload) {
        WebSocket target = null;
        for (WebSocket c : connections) {
            if (c.isOpen()) {
                target = c;
            }
        }
        if (target == null) {
            throw new SlackDeliveryException("no Socket Mode connection is open (did the bot call apps.connections.open and connect?)");
        }
        String envelopeId = UUID.randomUUID().toString();
        ObjectNode envelope = Json.object();
        envelope.put("envelope_id", envelopeId);
        envelope.set("payload", payload);
        envelope.put("type", type);
        envelope.put("accepts_response_payload", acceptsResponsePayload);
        Pending p = new Pending(envelopeId, System.nanoTime(), new CompletableFuture<>());
        pending.put(envelopeId, p);
        target.send(Json.write(envelope));
        return p.future;
    }

    /**
     * Sends Slack's {@code disconnect} message to every connection (e.g. {@code refresh_requested},
     * {@code warning}); Bolt reconnects through {@code apps.connections.open}.
     */
    public void sendDisconnect(String reason) {
        ObjectNode m = Json.object();
        m.put("type", "disconnect");
        m.put("reason", reason);
        m.putObject("debug_info").put("host", "applink-sandbox");
        for (WebSocket c : connections) {
            if (c.isOpen()) {
                c.send(Json.write(m));
            }
        }
    }

    /** Text messages from clients that were not acks of a pending envelope. */
    public List<String> unmatchedMessages() {
        return new ArrayList<>(unmatched);
    }

    @Override
    public BotAnswer deliver(Kind kind, ObjectNode payload, Duration timeout) {
        // Slack lets slash commands and view submissions answer in the ack; clicks and events cannot
        boolean accepts = kind == Kind.SLASH_COMMAND
                || (kind == Kind.INTERACTIVE && payload.path("type").asText().equals("view_submission"));
        long started = System.nanoTime();
        CompletableFuture<Ack> future = send(kind.envelopeType, payload, accepts);
        try {
            Ack ack = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String body = ack.payload() == null ? "" : Json.write(ack.payload());
            return new BotAnswer(200, Map.of("Content-Type", List.of("application/json")), body,
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (TimeoutException e) {
            throw new SlackDeliveryException("no ack within " + timeout + " for a " + kind.envelopeType + " envelope", e);
        } catch (ExecutionException e) {
            throw new SlackDeliveryException("envelope failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlackDeliveryException("interrupted while waiting for an ack", e);
        }
    }

    /** As {@link #deliver(Kind, ObjectNode, Duration)} with a 10 s timeout. */
    public BotAnswer deliver(Kind kind, ObjectNode payload) {
        return deliver(kind, payload, DEFAULT_TIMEOUT);
    }

    @Override
    public void close() {
        try {
            server.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pending.values().forEach(p -> p.future.completeExceptionally(new SlackDeliveryException("server closed")));
    }

    /**
     * A client's acknowledgement.
     *
     * @param envelopeId the envelope it acknowledges
     * @param payload    the response payload it carried, or {@code null} for a bare ack
     * @param raw        the message as received
     * @param elapsed    real time from sending the envelope to the ack
     */
    public record Ack(String envelopeId, JsonNode payload, String raw, Duration elapsed) {
    }

    private record Pending(String envelopeId, long sentNanos, CompletableFuture<Ack> future) {
    }

    private final class Server extends WebSocketServer {
        Server(InetSocketAddress address) {
            super(address);
        }

        @Override
        public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
                                                                           ClientHandshake request) throws InvalidDataException {
            ServerHandshakeBuilder builder = super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
            String query = URI.create(request.getResourceDescriptor()).getRawQuery();
            String ticket = null;
            if (query != null) {
                for (String pair : query.split("&")) {
                    if (pair.startsWith("ticket=")) {
                        ticket = pair.substring("ticket=".length());
                    }
                }
            }
            if (ticket == null || !tickets.remove(ticket)) {
                throw new InvalidDataException(CloseFrame.POLICY_VALIDATION,
                        "invalid or used ticket: call apps.connections.open for a new URL");
            }
            return builder;
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            connections.add(conn);
            ObjectNode hello = Json.object();
            hello.put("type", "hello");
            hello.put("num_connections", openConnections());
            ObjectNode debug = hello.putObject("debug_info");
            debug.put("host", "applink-sandbox");
            debug.put("build_number", 1);
            debug.put("approximate_connection_time", 18060);
            hello.putObject("connection_info").put("app_id", appId);
            conn.send(Json.write(hello));
            synchronized (connectionsChanged) {
                connectionsChanged.notifyAll();
            }
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            connections.remove(conn);
            synchronized (connectionsChanged) {
                connectionsChanged.notifyAll();
            }
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            JsonNode ack = Json.tryParse(message).orElse(null);
            String envelopeId = ack == null ? null : Json.text(ack, "envelope_id");
            Pending p = envelopeId == null ? null : pending.remove(envelopeId);
            if (p == null) {
                unmatched.add(message);
                return;
            }
            JsonNode payload = ack.get("payload");
            p.future.complete(new Ack(envelopeId, payload == null || payload.isNull() ? null : payload, message,
                    Duration.ofNanos(System.nanoTime() - p.sentNanos)));
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
            if (conn == null) {
                // a server-level error, e.g. the port is taken
                startFailure = ex;
                started.countDown();
            }
        }

        @Override
        public void onStart() {
            started.countDown();
        }
    }
}

package dev.breakglass.bot.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real target system reached through the {@code webhook} adapter: records every call, answers grants with a
 * handle and credentials, keeps which accesses are live so verify tells the truth, and fails the next N grants
 * or revokes on demand. It does not check signatures (the adapter's own tests do that).
 */
public final class WebhookReceiver implements AutoCloseable {
    public static final String SECRET = "test-webhook-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger failGrants = new AtomicInteger();
    private final AtomicInteger failRevokes = new AtomicInteger();
    private final java.util.Set<String> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile String password = "pw-not-a-real-secret-1";
    private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean hangRevokes;
    private volatile long revokeDelayMillis;
    private final java.util.concurrent.ExecutorService handlers;

    public WebhookReceiver() {
        this(false);
    }

    /** @param concurrent answer calls side by side (for hanging calls), rather than one after another */
    public WebhookReceiver(boolean concurrent) {
        handlers = concurrent ? java.util.concurrent.Executors.newCachedThreadPool() : null;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            calls.add(body);
            String action = body.path("action").asText();
            String grant = body.path("grant_id").asText();
            int status = 200;
            String answer = "{}";
            if (action.equals("grant")) {
                if (failGrants.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    status = 503;
                    answer = "{\"error\":\"target down\"}";
                } else {
                    live.add(grant);
                    answer = "{\"handle\":{\"account\":\"bg-" + grant + "\"},"
                            + "\"credentials\":{\"username\":\"bg-user\",\"password\":\"" + password + "\"}}";
                }
            } else if (action.equals("revoke")) {
                if (hangRevokes || revokeDelayMillis > 0) {
                    try {
                        released.await(hangRevokes ? 600_000 : revokeDelayMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (failRevokes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    status = 503;
                    answer = "{\"error\":\"target down\"}";
                } else {
                    live.remove(grant);
                }
            } else if (action.equals("verify")) {
                answer = "{\"revoked\":" + !live.contains(grant) + "}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        if (handlers != null) {
            server.setExecutor(handlers);
        }
        server.start();
    }

    /** From now on every revoke takes {@code delay} before it answers. */
    public void slowRevokes(java.time.Duration delay) {
        revokeDelayMillis = delay.toMillis();
    }

    /** From now on every revoke hangs until {@link #close()} (at most ten minutes): a target that stopped answering. */
    public void hangRevokes() {
        hangRevokes = true;
    }

    /** The adapter settings that point a webhook target here. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Every call received, in order. */
    public List<JsonNode> calls() {
        return List.copyOf(calls);
    }

    /** Calls with this action. */
    public List<JsonNode> calls(String action) {
        return calls.stream().filter(c -> c.path("action").asText().equals(action)).toList();
    }

    /** The next {@code n} grant calls answer 503 (the adapter retries 5xx: make n exceed its retries to fail). */
    public void failNextGrants(int n) {
        failGrants.set(n);
    }

    /** The next {@code n} revoke calls answer 503 (each adapter attempt retries once in the test policies). */
    public void failNextRevokes(int n) {
        failRevokes.set(n);
    }

    /** Whether the access of {@code grantId} ("BG-7") still works here. */
    public boolean live(String grantId) {
        return live.contains(grantId);
    }

    /** Calls with this action for one grant. */
    public List<JsonNode> calls(String action, String grantId) {
        return calls(action).stream().filter(c -> c.path("grant_id").asText().equals(grantId)).toList();
    }

    /**
     * The next grants hand out {@code jsonText} as their password, written into the JSON answer as is (so
     * {@code \\ud800} arrives as an unpaired surrogate).
     */
    public void handOut(String jsonText) {
        password = jsonText;
    }

    /** The password the next grants hand out, to search logs and messages for it. */
    public String password() {
        return password;
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        if (handlers != null) {
            handlers.shutdownNow();
        }
    }
}

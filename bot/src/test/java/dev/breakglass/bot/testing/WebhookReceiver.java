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
    private volatile boolean refuseExtends;
    private final java.util.Set<String> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile String password = "pw-not-a-real-secret-1";
    private volatile java.util.Map<String, String> issued;
    private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean hangRevokes;
    private volatile long revokeDelayMillis;
    private final java.util.concurrent.ExecutorService handlers = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "webhook-receiver");
        t.setDaemon(true);
        return t;
    });

    public WebhookReceiver() {
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
                    // The password goes into the JSON as is (handOut may make it an unpaired surrogate on purpose).
                    String credentials = issued != null ? JSON.writeValueAsString(issued)
                            : "{\"username\":\"bg-user\",\"password\":\"" + password + "\"}";
                    answer = "{\"handle\":{\"account\":\"bg-" + grant + "\"},\"credentials\":" + credentials + "}";
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
            } else if (action.equals("extend")) {
                if (refuseExtends || !live.contains(grant)) {
                    status = 409;
                    answer = "{\"error\":\"not active\"}";
                }
            } else {
                status = 400;
                answer = "{\"error\":\"unknown action\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        // A slow or hanging call must not hold up the others, as on a real target.
        server.setExecutor(handlers);
        server.start();
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

    /** Every extend answers 409 from now on, as a receiver that lost the account would. */
    public void refuseExtends() {
        refuseExtends = true;
    }

    /** The next {@code n} grant calls answer 503 (the adapter retries 5xx: make n exceed its retries to fail). */
    public void failNextGrants(int n) {
        failGrants.set(n);
    }

    /** The next {@code n} revoke calls answer 503 (each adapter attempt retries once in the test policies). */
    public void failNextRevokes(int n) {
        failRevokes.set(n);
    }

    /** Every revoke call from now on takes {@code delay} before it answers (a slow target). */
    public void slowRevokes(java.time.Duration delay) {
        revokeDelayMillis = delay.toMillis();
    }

    /** The credentials the next grants hand out (label → value, in that order), instead of a user name and password. */
    public void issue(java.util.Map<String, String> fields) {
        issued = fields;
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
        handlers.shutdownNow();
    }
}

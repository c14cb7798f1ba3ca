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
 * handle and credentials (or fails the first N), verifies nothing itself (the adapter's own tests do that).
 */
public final class WebhookReceiver implements AutoCloseable {
    public static final String SECRET = "test-webhook-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger failGrants = new AtomicInteger();
    private volatile String password = "pw-not-a-real-secret-1";

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
            int status = 200;
            String answer = "{}";
            if (action.equals("grant")) {
                if (failGrants.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    status = 503;
                    answer = "{\"error\":\"target down\"}";
                } else {
                    answer = "{\"handle\":{\"account\":\"bg-" + body.path("grant_id").asText() + "\"},"
                            + "\"credentials\":{\"username\":\"bg-user\",\"password\":\"" + password + "\"}}";
                }
            } else if (action.equals("verify")) {
                answer = "{\"revoked\":true}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
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

    /** The password the next grants hand out, to search logs and messages for it. */
    public String password() {
        return password;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

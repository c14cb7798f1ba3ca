package dev.breakglass.bot.adapter.webhook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Whatever a receiver answers, the webhook adapter reads it or refuses it. Under plain {@code mvn test} this runs
 * the seeds in {@code src/test/resources/dev/breakglass/bot/adapter/webhook/WebhookAnswerFuzzTestInputs/<method>/};
 * {@code JAZZER_FUZZ=1} fuzzes for real (docs/benchmarks.md).
 *
 * <p>What must hold: reading an answer gives a result or a {@link WebhookJson.BadAnswer} (never another exception,
 * and a stored handle is always a JSON object); over HTTP, any status and body give a {@link Provisioned} or a
 * {@link TargetException} — a non-2xx is never taken as success, and verify is true only for
 * {@code "revoked": true}.
 */
class WebhookAnswerFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GrantRequest REQUEST = new GrantRequest(new GrantId(7), "orders-db", Optional.of("admin"),
            "U0ALICE", Optional.of("alice@example.com"), Instant.parse("2026-11-21T10:45:00Z"), "fuzzing the answers");
    /** What the receiver answers next: set by each input, read by the server thread. */
    private static volatile int status = 200;
    private static volatile byte[] body = new byte[0];
    private static final HttpServer RECEIVER = receiver();
    private static final WebhookAdapter ADAPTER = new WebhookAdapterFactory(Clock.systemUTC(),
            EnvironmentVariables.of(Map.of()), pause -> { })
            .create("orders-db", Map.of("url", "http://127.0.0.1:" + RECEIVER.getAddress().getPort() + "/hook",
                    "secret", "fuzz-webhook-secret", "timeout", "2s", "retries", 0));

    /** Any bytes as a grant answer and as a verify answer. */
    @FuzzTest
    void readAnswers(byte[] answer) throws Exception {
        try {
            WebhookJson.GrantAnswer read = WebhookJson.grantAnswer(answer);
            assertTrue(JSON.readTree(read.handle()).isObject(), read.handle());
            read.credentials().ifPresent(c -> assertFalse(c.fields().isEmpty()));
        } catch (WebhookJson.BadAnswer e) {
            assertFalse(e.getMessage().isBlank());
        }
        try {
            WebhookJson.revokedAnswer(answer);
            assertTrue(JSON.readTree(answer).path("revoked").isBoolean());
        } catch (WebhookJson.BadAnswer e) {
            assertFalse(e.getMessage().isBlank());
        }
    }

    /** Any status and body over HTTP, to grant and to verify. */
    @FuzzTest
    void adapterOverHttp(FuzzedDataProvider data) throws Exception {
        status = data.consumeInt(200, 599);
        body = data.consumeRemainingAsBytes();
        boolean success = status >= 200 && status < 300;
        try {
            Provisioned provisioned = ADAPTER.grant(REQUEST);
            assertTrue(success, "granted on HTTP " + status);
            assertNotNull(provisioned.handle());
        } catch (TargetException e) {
            assertFalse(e.getMessage().isBlank());
        }
        Provisioned stored = new Provisioned(REQUEST, "{\"account\":\"bg-7\"}", Optional.empty());
        try {
            boolean revoked = ADAPTER.verifyRevoked(stored);
            assertTrue(success, "verified on HTTP " + status);
            assertTrue(!revoked || JSON.readTree(body).path("revoked").asBoolean(false), "revoked only when said");
        } catch (TargetException e) {
            assertFalse(e.getMessage().isBlank());
        }
    }

    private static HttpServer receiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] out = body;
                // 1xx and 204/304 cannot carry a body in HTTP/1.1: send none for them.
                boolean bodiless = status < 200 || status == 204 || status == 304;
                exchange.sendResponseHeaders(status, bodiless || out.length == 0 ? -1 : out.length);
                if (!bodiless) {
                    exchange.getResponseBody().write(out);
                }
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

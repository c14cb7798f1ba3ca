package dev.breakglass.bot.adapter.webhook;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Python receiver in {@code docs/adapters.md}, run as written against the adapter, so the documentation cannot
 * drift from the wire format. Skipped, with the reason, where there is no {@code python3}.
 */
class WebhookReceiverExampleTest {
    private static final String SECRET = "docs-example-secret-0123456789abcdef";
    private static final GrantRequest REQUEST = new GrantRequest(new GrantId(7), "billing-admin",
            Optional.of("admin"), "U0ALICE", Optional.empty(), Instant.now().plus(1, ChronoUnit.HOURS),
            "INC-42: refunds stuck");

    private Process python;
    private int port;

    @BeforeEach
    void startTheDocumentedReceiver() throws Exception {
        assumeTrue(hasPython(), "python3 is not installed: the documented Python receiver cannot run");
        Path script = Files.createTempFile("breakglass-receiver", ".py");
        script.toFile().deleteOnExit();
        Files.writeString(script, pythonBlock(Files.readString(docs())));
        ProcessBuilder pb = new ProcessBuilder("python3", script.toString()).redirectErrorStream(true);
        pb.environment().put("BREAKGLASS_WEBHOOK_SECRET", SECRET);
        pb.environment().put("PORT", "0");
        python = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(20, TimeUnit.SECONDS);
        assertTrue(first != null && first.startsWith("listening on "), "receiver said: " + first);
        port = Integer.parseInt(first.substring("listening on ".length()).trim());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (python != null) {
            python.destroy();
            python.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theDocumentedReceiverWorksWithTheAdapter() throws Exception {
        WebhookAdapter adapter = adapter(SECRET);

        Provisioned granted = adapter.grant(REQUEST);
        assertEquals("{\"user\":\"bg_7\"}", granted.handle());
        Credentials credentials = granted.credentials().orElseThrow();
        assertEquals("bg_7", credentials.fields().get("username"));
        assertFalse(credentials.fields().get("password").isEmpty());
        // Idempotent: a retried grant gets the same account back.
        assertEquals(credentials, adapter.grant(REQUEST).credentials().orElseThrow());

        Provisioned stored = granted.withoutCredentials();
        assertFalse(adapter.verifyRevoked(stored));
        adapter.revoke(stored);
        adapter.revoke(stored);
        assertTrue(adapter.verifyRevoked(stored));

        TargetException late = assertThrows(TargetException.class, () -> adapter.grant(REQUEST));
        assertTrue(late.getMessage().contains("HTTP 409"), late.getMessage());
    }

    @Test
    void theDocumentedReceiverRefusesAnotherSecret() {
        TargetException e = assertThrows(TargetException.class,
                () -> adapter("not-the-receivers-secret-0123456789").grant(REQUEST));

        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
    }

    private WebhookAdapter adapter(String secret) {
        return new WebhookAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(Map.of()), d -> {
        }).create("billing-admin", Map.of("url", "http://127.0.0.1:" + port + "/breakglass", "secret", secret));
    }

    private static String pythonBlock(String markdown) {
        int start = markdown.indexOf("```python\n");
        assertTrue(start >= 0, "docs/adapters.md has no python block");
        int from = start + "```python\n".length();
        return markdown.substring(from, markdown.indexOf("\n```", from) + 1);
    }

    /** docs/adapters.md, found from the module folder (where surefire runs) or the repository root. */
    private static Path docs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs/adapters.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/adapters.md not found above " + Path.of("").toAbsolutePath());
    }

    private static boolean hasPython() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

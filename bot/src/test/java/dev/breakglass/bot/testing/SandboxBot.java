package dev.breakglass.bot.testing;

import dev.breakglass.bot.sandbox.SandboxSlack;
import dev.breakglass.bot.sandbox.SlackEmulator;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The bot as a newcomer runs it: sandbox mode (no bot token), the built-in demo policy, its own emulator, the real
 * clock — on a random port with a private in-memory database and data folder.
 */
public final class SandboxBot implements AutoCloseable {
    private final TestDatabase db = TestDatabase.h2();
    private final Path dataDir;
    private final EmbeddedServer server;

    public SandboxBot(Map<String, Object> extra) {
        try {
            dataDir = Files.createTempDirectory("breakglass-sandbox");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> props = new HashMap<>(db.properties());
        props.put("micronaut.server.port", -1);
        props.put("breakglass.slack.bot-token", "");
        props.put("breakglass.slack.signing-secret", "");
        props.put("breakglass.slack.app-token", "");
        props.put("breakglass.policy", "");
        props.put("breakglass.encryption-key", "");
        props.put("breakglass.data-dir", dataDir.toString());
        props.putAll(extra);
        server = ApplicationContext.run(EmbeddedServer.class, props);
    }

    public SandboxBot() {
        this(Map.of());
    }

    /** {@code http://localhost:<port><path>}: the name a person types, which the console's guard expects. */
    public URI url(String path) {
        return URI.create("http://localhost:" + server.getPort() + path);
    }

    public int port() {
        return server.getPort();
    }

    public ApplicationContext context() {
        return server.getApplicationContext();
    }

    /** The emulator the sandbox runs (what "Slack" recorded). */
    public SlackEmulator slack() {
        return context().getBean(SandboxSlack.class).emulator();
    }

    public SandboxBot awaitHealthy(Duration timeout) {
        RunningBot.await(timeout, () -> get("/health").statusCode() == 200, () -> "sandbox not healthy: " + get("/health").body());
        return this;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(url(path)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
        db.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}

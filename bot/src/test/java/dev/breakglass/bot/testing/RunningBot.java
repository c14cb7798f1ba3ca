package dev.breakglass.bot.testing;

import dev.breakglass.bot.config.PolicyLoader;
import dev.breakglass.bot.sandbox.HttpDelivery;
import dev.breakglass.bot.sandbox.SlackDelivery;
import dev.breakglass.bot.sandbox.SlackEmulator;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole bot as Slack sees it: a real Micronaut server on a random port, configured exactly like production
 * with a bot token and signing secret (and an app token for Socket Mode), talking to a {@link SlackEmulator}
 * that plays Slack. Its own private H2 database, and the demo policy written to a real file.
 */
public final class RunningBot implements AutoCloseable {
    public static final String BOT_TOKEN = "xoxb-test-token";
    public static final String APP_TOKEN = "xapp-test-token";
    public static final String SIGNING_SECRET = "test-signing-secret";

    private final SlackEmulator slack;
    private final TestDatabase db;
    private final EmbeddedServer server;
    private final Path policyDir;
    private final boolean socketMode;

    private RunningBot(boolean socketMode, Map<String, Object> extra) {
        this.socketMode = socketMode;
        this.slack = SlackEmulator.sandbox(BOT_TOKEN, socketMode ? APP_TOKEN : null, Clock.systemUTC());
        this.db = TestDatabase.h2();
        try {
            this.policyDir = Files.createTempDirectory("breakglass-policy");
            try (InputStream demo = PolicyLoader.class.getResourceAsStream(PolicyLoader.DEMO_RESOURCE)) {
                Files.write(policyDir.resolve("breakglass.yml"), demo.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> props = new HashMap<>(db.properties());
        props.put("micronaut.server.port", -1);
        props.put("breakglass.slack.bot-token", BOT_TOKEN);
        props.put("breakglass.slack.signing-secret", socketMode ? "" : SIGNING_SECRET);
        props.put("breakglass.slack.app-token", socketMode ? APP_TOKEN : "");
        props.put("breakglass.slack.api-url", slack.apiUrl());
        props.put("breakglass.policy", policyDir.resolve("breakglass.yml").toString());
        props.putAll(extra);
        this.server = ApplicationContext.run(EmbeddedServer.class, props);
    }

    /** The bot in HTTP mode. */
    public static RunningBot overHttp() {
        return new RunningBot(false, Map.of());
    }

    /** The bot in Socket Mode (no signing secret, so {@code /slack/events} is closed). */
    public static RunningBot overSocketMode() {
        return new RunningBot(true, Map.of());
    }

    public SlackEmulator slack() {
        return slack;
    }

    public ApplicationContext context() {
        return server.getApplicationContext();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getPort() + path);
    }

    /** Raw signed (or deliberately badly signed) HTTP requests to {@code /slack/events}. */
    public HttpDelivery signedHttp() {
        return new HttpDelivery(url("/slack/events"), SIGNING_SECRET, Clock.systemUTC());
    }

    /** Slack-like deliveries over this bot's transport: signed HTTP, or Socket Mode envelopes. */
    public SlackDelivery deliver() {
        return socketMode ? slack.socketModeDelivery() : slack.httpDelivery(url("/slack/events"), SIGNING_SECRET);
    }

    /** {@code GET path}: status and body. */
    public HttpResponse<String> get(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code /health} answers 200 (Slack connected, scheduler running, database migrated). */
    public RunningBot awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = get("/health");
            if (last.statusCode() == 200) {
                return this;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("bot not healthy within " + timeout + ": " + (last == null ? "no answer" : last.body()));
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
        slack.close();
        db.close();
        try {
            Files.deleteIfExists(policyDir.resolve("breakglass.yml"));
            Files.deleteIfExists(policyDir);
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}

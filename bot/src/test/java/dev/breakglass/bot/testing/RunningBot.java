package dev.breakglass.bot.testing;

import dev.breakglass.bot.config.PolicyLoader;
import dev.breakglass.bot.sandbox.transport.HttpDelivery;
import dev.breakglass.bot.sandbox.transport.SlackDelivery;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The whole bot as Slack sees it: a real Micronaut server on a random port, configured exactly like production
 * with a bot token and signing secret (and an app token for Socket Mode), talking to a {@link SlackEmulator}
 * that plays Slack. By default it owns a private H2 database, the demo policy written to a real file, and an
 * {@link OffsetClock} shared with the emulator; two bots can share one database and one emulator.
 */
public final class RunningBot implements AutoCloseable {
    public static final String BOT_TOKEN = "xoxb-test-token";
    public static final String APP_TOKEN = "xapp-test-token";
    public static final String SIGNING_SECRET = "test-signing-secret";

    private final SlackEmulator slack;
    private final boolean ownsSlack;
    private final TestDatabase db;
    private final boolean ownsDb;
    private final EmbeddedServer server;
    private final Path policyDir;
    private final boolean socketMode;
    private final OffsetClock clock;

    private RunningBot(Builder b) {
        this.socketMode = b.socketMode;
        this.clock = b.clock != null ? b.clock : OffsetClock.create("bot-" + UUID.randomUUID());
        this.ownsSlack = b.slack == null;
        this.slack = ownsSlack ? SlackEmulator.sandbox(BOT_TOKEN, socketMode ? APP_TOKEN : null, clock) : b.slack;
        this.ownsDb = b.db == null;
        this.db = ownsDb ? TestDatabase.h2() : b.db;
        try {
            this.policyDir = Files.createTempDirectory("breakglass-policy");
            Files.writeString(policyDir.resolve("breakglass.yml"), b.policy != null ? b.policy : demoPolicy());
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
        props.put("breakglass.test.clock", clock.name());
        props.put("breakglass.encryption-key", "");
        props.put("breakglass.data-dir", policyDir.toString());
        props.putAll(b.properties);
        this.server = ApplicationContext.run(EmbeddedServer.class, props);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bot in HTTP mode with the demo policy. */
    public static RunningBot overHttp() {
        return builder().start();
    }

    /** The bot in Socket Mode (no signing secret, so {@code /slack/events} is closed). */
    public static RunningBot overSocketMode() {
        return builder().socketMode().start();
    }

    /** How to start a bot. */
    public static final class Builder {
        private boolean socketMode;
        private String policy;
        private OffsetClock clock;
        private TestDatabase db;
        private SlackEmulator slack;
        private final Map<String, Object> properties = new HashMap<>();

        public Builder socketMode() {
            socketMode = true;
            return this;
        }

        /** The policy file's text (default: the built-in demo policy). */
        public Builder policy(String yaml) {
            policy = yaml;
            return this;
        }

        public Builder clock(OffsetClock c) {
            clock = c;
            return this;
        }

        /** A database the caller owns (and closes), e.g. shared by two bots. */
        public Builder database(TestDatabase d) {
            db = d;
            return this;
        }

        /** An emulator the caller owns (and closes), e.g. shared by two bots; its clock should be the bot's. */
        public Builder slack(SlackEmulator s) {
            slack = s;
            return this;
        }

        public Builder property(String name, Object value) {
            properties.put(name, value);
            return this;
        }

        public RunningBot start() {
            return new RunningBot(this);
        }
    }

    private static String demoPolicy() throws IOException {
        try (InputStream demo = PolicyLoader.class.getResourceAsStream(PolicyLoader.DEMO_RESOURCE)) {
            return new String(demo.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public SlackEmulator slack() {
        return slack;
    }

    public OffsetClock clock() {
        return clock;
    }

    public ApplicationContext context() {
        return server.getApplicationContext();
    }

    /**
     * Waits until every stored event was delivered to every consumer (the outbox is empty): the audit log, the card,
     * the messages and the metrics have caught up with what happened so far.
     */
    public void settle() {
        dev.breakglass.bot.events.JdbcEventOutbox outbox = bean(dev.breakglass.bot.events.JdbcEventOutbox.class);
        await(Duration.ofSeconds(30), () -> outbox.pending().isEmpty(), () -> "deliveries still pending: "
                + outbox.pending());
    }

    public <T> T bean(Class<T> type) {
        return context().getBean(type);
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getPort() + path);
    }

    /** Raw signed (or deliberately badly signed) HTTP requests to {@code /slack/events}. */
    public HttpDelivery signedHttp() {
        return new HttpDelivery(url("/slack/events"), SIGNING_SECRET, clock);
    }

    /** Slack-like deliveries over this bot's transport: signed HTTP, or Socket Mode envelopes. */
    public SlackDelivery deliver() {
        if (socketMode) {
            // Bolt may be reconnecting (a ping timeout under load): wait for its socket like Slack would queue.
            slack.socketModeServer().awaitConnection(Duration.ofSeconds(15));
            return slack.socketModeDelivery();
        }
        return slack.httpDelivery(url("/slack/events"), SIGNING_SECRET);
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
        await(timeout, () -> get("/health").statusCode() == 200, () -> "bot not healthy: " + get("/health").body());
        return this;
    }

    /** Polls {@code condition} until it holds, or fails with {@code what}. */
    public static void await(Duration timeout, BooleanSupplier condition, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!condition.getAsBoolean()) {
            throw new AssertionError("not within " + timeout + ": " + what.get());
        }
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
        if (ownsSlack) {
            slack.close();
        }
        if (ownsDb) {
            db.close();
        }
        try (var files = Files.list(policyDir)) {
            files.forEach(f -> f.toFile().delete());
            Files.deleteIfExists(policyDir);
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}

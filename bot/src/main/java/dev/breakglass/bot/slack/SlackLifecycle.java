package dev.breakglass.bot.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.methods.response.auth.AuthTestResponse;
import com.slack.api.socket_mode.SocketModeClient;
import dev.breakglass.bot.config.SlackEndpoint;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Connects to Slack at start: checks the bot token with {@code auth.test} (retrying every few seconds until it
 * answers, so a Slack outage delays readiness instead of crashing the bot) and, in Socket Mode, opens the
 * WebSocket. {@link #ready()} feeds {@code /health}.
 */
@Singleton
public class SlackLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(SlackLifecycle.class);
    private static final long RETRY_SECONDS = 5;

    private final App app;
    private final SlackEndpoint endpoint;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slack-connect");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean tokenValid;
    private volatile SocketModeApp socketMode;

    public SlackLifecycle(App app, SlackEndpoint endpoint) {
        this.app = app;
        this.endpoint = endpoint;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        retries.execute(this::connect);
    }

    private void connect() {
        try {
            AuthTestResponse auth = app.client().authTest(r -> r.token(endpoint.botToken()));
            if (!auth.isOk()) {
                throw new IllegalStateException("auth.test answered " + auth.getError());
            }
            tokenValid = true;
            LOG.info("Connected to Slack ({} mode) as {} in team {}", endpoint.mode(), auth.getUser(), auth.getTeam());
            if (endpoint.appToken().isPresent() && socketMode == null) {
                SocketModeApp sm = new SocketModeApp(endpoint.appToken().get(), SocketModeClient.Backend.JavaWebSocket, app);
                sm.startAsync();
                socketMode = sm;
                LOG.info("Socket Mode connection open");
            }
        } catch (Exception e) {
            LOG.warn("Slack is not reachable yet ({}); retrying in {} s", e.getMessage(), RETRY_SECONDS);
            retries.schedule(this::connect, RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** True once the token is known good and, in Socket Mode, the socket is connected. */
    public boolean ready() {
        if (!tokenValid) {
            return false;
        }
        if (endpoint.appToken().isEmpty()) {
            return true;
        }
        SocketModeApp sm = socketMode;
        return sm != null && !sm.isClientStopped();
    }

    @PreDestroy
    void stop() throws Exception {
        retries.shutdownNow();
        if (socketMode != null) {
            socketMode.close();
        }
    }
}

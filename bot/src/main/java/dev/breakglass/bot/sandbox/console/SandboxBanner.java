package dev.breakglass.bot.sandbox.console;

import dev.breakglass.bot.HealthController;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpStatus;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The last line a newcomer sees after {@code java -jar bot/target/breakglass-bot.jar} with no settings: where the
 * sandbox console is. Printed to standard output as a plain line (not a log record) so it stands out, once the bot
 * is ready to serve ({@code /health} would answer 200), so the page works when it is opened.
 *
 * <p>Edge case: a bot that never gets ready (say, its database is broken) prints no address; after two minutes it
 * logs that the console waits for the health checks instead.
 */
@Singleton
@Requires(condition = SandboxModeCondition.class)
public class SandboxBanner {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxBanner.class);
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(100);

    private final HealthController health;

    public SandboxBanner(HealthController health) {
        this.health = health;
    }

    @EventListener
    void onStartup(ServerStartupEvent event) {
        int port = event.getSource().getPort();
        Thread waiter = new Thread(() -> announceWhenReady(port), "sandbox-banner");
        waiter.setDaemon(true);
        waiter.start();
    }

    private void announceWhenReady(int port) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try {
            while (health.health().getStatus() != HttpStatus.OK) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("The sandbox console at {} waits for the bot to be healthy (see GET /health)", url(port));
                    return;
                }
                Thread.sleep(POLL.toMillis());
            }
            System.out.println("Sandbox: open " + url(port));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The console's address on this machine. */
    static String url(int port) {
        return "http://localhost:" + port + "/sandbox";
    }
}

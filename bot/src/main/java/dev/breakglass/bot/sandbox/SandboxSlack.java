package dev.breakglass.bot.sandbox;

import dev.breakglass.bot.config.SandboxLauncher;
import dev.breakglass.bot.config.SlackEndpoint;
import dev.breakglass.bot.config.SlackSettings;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Sandbox mode: runs the {@link SlackEmulator} in-process with the demo workspace and fresh throw-away
 * credentials (a random signing secret and token per start), and points the bot at it. The emulator sends
 * signed requests to the bot's own {@code /slack/events}, so the sandbox runs the same path as real Slack.
 * Created only when no bot token is configured.
 */
@Singleton
public class SandboxSlack implements SandboxLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxSlack.class);

    private final Clock clock;
    private SlackEmulator emulator;
    private SlackEndpoint endpoint;
    private String signingSecret;

    public SandboxSlack(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized SlackEndpoint start() {
        if (endpoint == null) {
            SecureRandom random = new SecureRandom();
            String token = "xoxb-sandbox-" + HexFormat.of().formatHex(random.generateSeed(12));
            signingSecret = HexFormat.of().formatHex(random.generateSeed(16));
            emulator = SlackEmulator.sandbox(token, null, clock);
            endpoint = new SlackEndpoint(SlackSettings.Mode.SANDBOX, token, Optional.of(signingSecret),
                    Optional.empty(), emulator.apiUrl());
            LOG.info("Sandbox mode: no SLACK_BOT_TOKEN, so Slack is the built-in emulator at {}", emulator.apiUrl());
        }
        return endpoint;
    }

    /** The running emulator; starts it if needed. */
    public synchronized SlackEmulator emulator() {
        start();
        return emulator;
    }

    /** The signing secret the emulator signs its deliveries with; starts the emulator if needed. */
    public synchronized String signingSecret() {
        start();
        return signingSecret;
    }

    @PreDestroy
    synchronized void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }
}

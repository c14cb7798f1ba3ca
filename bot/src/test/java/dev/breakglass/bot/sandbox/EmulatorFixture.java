package dev.breakglass.bot.sandbox;

import dev.breakglass.testing.ManualClock;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import java.time.Instant;

/** An emulator on the demo directory with a manual clock, and Bolt's client pointed at it. */
public final class EmulatorFixture implements AutoCloseable {
    public static final String BOT_TOKEN = "xoxb-sandbox-test-token";
    public static final String APP_TOKEN = "xapp-1-sandbox-test-token";
    public static final Instant START = Instant.parse("2023-11-14T22:13:20Z"); // 1700000000

    public final ManualClock clock = new ManualClock(START);
    public final SlackEmulator emulator;
    public final Slack slack;

    public EmulatorFixture() {
        emulator = SlackEmulator.builder().botToken(BOT_TOKEN).appToken(APP_TOKEN).clock(clock).start();
        slack = Slack.getInstance(config(emulator));
    }

    /** What the bot does: point the Web API prefix at the emulator. */
    public static SlackConfig config(SlackEmulator emulator) {
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(emulator.apiUrl());
        // Bolt otherwise calls auth.test once per token per JVM to tag metrics (see BoltBehaviourTest)
        config.getMethodsConfig().setStatsEnabled(false);
        return config;
    }

    public MethodsClient bot() {
        return slack.methods(BOT_TOKEN);
    }

    public MethodsClient app() {
        return slack.methods(APP_TOKEN);
    }

    @Override
    public void close() throws Exception {
        slack.close();
        emulator.close();
    }
}

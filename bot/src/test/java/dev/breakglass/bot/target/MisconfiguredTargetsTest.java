package dev.breakglass.bot.target;

import dev.breakglass.bot.config.InvalidConfigurationException;
import dev.breakglass.bot.testing.RunningBot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A target the bot cannot serve stops the start with a message naming the target and what to fix. */
class MisconfiguredTargetsTest {
    @TempDir
    Path dir;

    private static String policy(String adapter, String settings) {
        return "channels:\n  approvals: C0APPROVALS\ntargets:\n  orders-db:\n    adapter: " + adapter
                + "\n    max-duration: 1h\n    approvers: [U0BOB]\n" + settings;
    }

    private String startFailure(String policy) {
        return startFailure(policy, dir.resolve("none"));
    }

    private String startFailure(String policy, Path plugins) {
        Throwable t = assertThrows(RuntimeException.class, () -> RunningBot.builder().policy(policy)
                .property("breakglass.plugins", plugins.toString()).start().close());
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InvalidConfigurationException) {
                return c.getMessage();
            }
        }
        throw new AssertionError("not a configuration error", t);
    }

    @Test
    void anUnknownAdapterTypeIsNamedWithTheKnownOnes() {
        String message = startFailure(policy("oracle", ""));
        assertTrue(message.startsWith("targets.orders-db.adapter: there is no adapter type \"oracle\" (known: "),
                message);
        assertTrue(message.contains("webhook"), message);
    }

    @Test
    void aBadWebhookUrlIsNamed() {
        String message = startFailure(policy("webhook", "    settings:\n      url: ftp://example.test/hook\n"
                + "      secret: a-secret-that-is-long-enough-for-the-check\n"));
        assertTrue(message.startsWith("targets.orders-db (webhook adapter): settings.url"), message);
    }

    @Test
    void aBrokenPluginJarIsNamed() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(plugins.resolve("broken.jar"), "not a jar");
        String message = startFailure(policy("webhook", "    settings:\n      url: http://127.0.0.1:9/hook\n"
                + "      secret: a-secret-that-is-long-enough-x\n"), plugins);
        assertTrue(message.startsWith("plugin " + plugins.resolve("broken.jar") + " is not a readable jar"), message);
    }
}

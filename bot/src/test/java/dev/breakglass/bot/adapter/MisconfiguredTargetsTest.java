package dev.breakglass.bot.adapter;

import dev.breakglass.bot.config.AdapterSettingsException;
import dev.breakglass.bot.config.InvalidConfigurationException;
import dev.breakglass.bot.testing.RunningBot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
        return startFailure(RunningBot.builder().policy(policy).property("breakglass.plugins", plugins.toString()));
    }

    private static String startFailure(RunningBot.Builder bot) {
        Throwable t = assertThrows(RuntimeException.class, () -> bot.start().close());
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
    void aBadSettingIsPlacedAtItsLineInThePolicyFile() {
        RunningBot.Builder bot = RunningBot.builder().policy(policy("webhook", "    settings:\n"
                + "      url: https://hooks.example.com/breakglass\n"
                + "      secret: a-secret-that-is-long-enough-for-the-check\n"
                + "      retries: 11\n")).property("breakglass.plugins", dir.resolve("none").toString());
        Throwable t = assertThrows(RuntimeException.class, () -> bot.start().close());
        AdapterSettingsException e = null;
        for (Throwable c = t; c != null && e == null; c = c.getCause()) {
            e = c instanceof AdapterSettingsException a ? a : null;
        }
        assertNotNull(e, "not an adapter settings error: " + t);
        assertEquals("targets.orders-db.settings.retries", e.field());
        assertEquals(11, e.line(), e.getMessage());
        assertTrue(e.file().endsWith("breakglass.yml"), e.file());
        assertTrue(e.getMessage().startsWith("targets.orders-db (webhook adapter): settings.retries: 11 is out of "
                + "range"), e.getMessage());
        assertTrue(e.getMessage().endsWith("breakglass.yml line 11)"), e.getMessage());
    }

    private static final String WEBHOOK = "    settings:\n      url: http://127.0.0.1:9/hook\n"
            + "      secret: a-secret-that-is-long-enough-x\n";

    @Test
    void aCallTimeoutThatDoesNotFitFourTimesInTheRevocationLeaseIsRefused() {
        String message = startFailure(RunningBot.builder().policy(policy("webhook", WEBHOOK))
                .property("breakglass.targets.call-timeout", "45s").property("breakglass.revocation.lease", "2m"));
        assertTrue(message.startsWith("breakglass.targets.call-timeout (BREAKGLASS_TARGETS_CALL_TIMEOUT) 45s × 4 calls"
                + " of a revocation (verify, revoke, verify, rotate) is longer than breakglass.revocation.lease 2m"),
                message);
    }

    @Test
    void aConcurrencyOutsideOneToSixtyFourIsRefused() {
        String message = startFailure(RunningBot.builder().policy(policy("webhook", WEBHOOK))
                .property("breakglass.targets.concurrency", "0"));
        assertTrue(message.startsWith("breakglass.targets.concurrency (BREAKGLASS_TARGETS_CONCURRENCY) is 0; give 1 to"
                + " 64"), message);
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

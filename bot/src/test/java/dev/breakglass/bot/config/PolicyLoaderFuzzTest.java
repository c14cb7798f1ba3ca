package dev.breakglass.bot.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.bot.adapter.webhook.WebhookSettings;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.TargetPolicy;

import java.util.Map;

/**
 * Arbitrary policy files into the loader, and arbitrary {@code settings} into the webhook adapter's settings check.
 * Under plain {@code mvn test} this runs the seeds in
 * {@code src/test/resources/dev/breakglass/bot/config/PolicyLoaderFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1}
 * fuzzes for real (docs/benchmarks.md).
 *
 * <p>What must hold: a policy either loads or is refused with a {@link PolicyException} that names this file, a
 * line (0 when none) and says what is wrong — never another exception, never a hang (YAML aliases are bounded);
 * webhook settings either parse or are refused with an {@link IllegalArgumentException} naming the setting, and
 * the refusal never shows the secret.
 */
class PolicyLoaderFuzzTest {
    private static final PolicyLoader LOADER = new PolicyLoader();
    private static final String NAME = "fuzz.yml";
    private static final String SECRET = "fuzz-secret-value-9f3c";
    private static final EnvironmentVariables ENV = EnvironmentVariables.of(Map.of("HOOK_SECRET", SECRET));

    /** Any text as a whole policy file. */
    @FuzzTest
    void anyPolicy(FuzzedDataProvider data) {
        load(data.consumeRemainingAsString());
    }

    /** A valid policy whose webhook target's settings block is any text. */
    @FuzzTest
    void webhookSettings(FuzzedDataProvider data) {
        String settings = data.consumeRemainingAsString();
        String yaml = "channels:\n  approvals: C0APPROVALS\ntargets:\n  hook:\n    adapter: webhook\n"
                + "    max-duration: 1h\n    approvals: 1\n    requesters: [\"*\"]\n    approvers: [\"*\"]\n"
                + "    settings:\n" + settings.indent(6);
        Policy policy = load(yaml);
        if (policy == null) {
            return;
        }
        TargetPolicy target = policy.targets().get("hook");
        try {
            WebhookSettings parsed = WebhookSettings.parse(target.settings(), ENV);
            assertTrue(parsed.url().getScheme().startsWith("http"), parsed.toString());
            assertFalse(parsed.toString().contains(SECRET), "toString hides the secret");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("settings."), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET), "the refusal shows the secret: " + e.getMessage());
        }
    }

    /** The policy, or null when it was refused as it should be. */
    private static Policy load(String text) {
        try {
            return LOADER.parse(NAME, text);
        } catch (PolicyException e) {
            assertEquals(NAME, e.file());
            assertTrue(e.line() >= 0, "line " + e.line());
            assertFalse(e.problem().isBlank(), "says what is wrong");
            assertTrue(e.getMessage().contains(NAME), e.getMessage());
            return null;
        }
    }
}

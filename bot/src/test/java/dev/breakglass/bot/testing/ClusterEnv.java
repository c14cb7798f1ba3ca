package dev.breakglass.bot.testing;

import dev.breakglass.bot.sandbox.SlackEmulator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment of one packaged bot process among replicas on one database: its Slack (the emulator), the policy
 * of {@link Workflow#policy} for {@code receiver}, its own data folder and instance id, and the keys a cluster shares
 * (encryption and audit: replicas must have the same ones).
 */
public final class ClusterEnv {
    /** The audit key every replica of a test cluster shares, to verify the chain with. */
    public static final byte[] AUDIT_KEY = "breakglass-test-audit-key-32byte".getBytes(StandardCharsets.US_ASCII);

    private ClusterEnv() {
    }

    public static Map<String, String> of(TestDatabase db, SlackEmulator slack, WebhookReceiver receiver, Path dir,
                                         String instance) throws java.io.IOException {
        Path policy = dir.resolve("breakglass.yml");
        Files.writeString(policy, Workflow.policy(receiver));
        return of(db, slack, policy, dir, instance);
    }

    /**
     * As {@link #of(TestDatabase, SlackEmulator, WebhookReceiver, Path, String)} with a policy file of the caller's;
     * a {@code null} database leaves the bot on its default embedded H2 (in its working folder).
     */
    public static Map<String, String> of(TestDatabase db, SlackEmulator slack, Path policy, Path dir, String instance) {
        Map<String, String> env = new HashMap<>(db != null ? db.env() : Map.of());
        env.put("SLACK_BOT_TOKEN", RunningBot.BOT_TOKEN);
        env.put("SLACK_SIGNING_SECRET", RunningBot.SIGNING_SECRET);
        env.put("SLACK_API_URL", slack.apiUrl());
        env.put("BREAKGLASS_POLICY", policy.toAbsolutePath().toString());
        env.put("BREAKGLASS_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(new byte[32]));
        env.put("BREAKGLASS_AUDIT_KEY", Base64.getEncoder().encodeToString(AUDIT_KEY));
        env.put("BREAKGLASS_DATA_DIR", dir.resolve("data-" + instance).toAbsolutePath().toString());
        env.put("BREAKGLASS_INSTANCE_ID", instance);
        return env;
    }
}

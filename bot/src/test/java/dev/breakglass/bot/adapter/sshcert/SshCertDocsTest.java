package dev.breakglass.bot.adapter.sshcert;

import dev.breakglass.bot.config.PolicyLoader;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.TargetPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/adapters-ssh-cert.md stays true: its policy loads with the bot's policy reader and its settings parse with
 * the adapter's; its session kill script runs in SshdLoginTest.
 */
class SshCertDocsTest {
    private static final EnvironmentVariables ENV = EnvironmentVariables.of(Map.of(
            "BREAKGLASS_SSH_CA_PASSPHRASE", "from the environment"));

    @Test
    void theCompletePolicyLoadsAndItsSettingsParse(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("breakglass.yml"), SshCertDocs.policy());
        Policy policy = new PolicyLoader().load(file);
        TargetPolicy target = policy.target("prod-hosts").orElseThrow();
        assertEquals("ssh-cert", target.adapter());

        SshCertSettings s = SshCertSettings.parse(target.settings(), ENV, "ssh-keygen");

        for (String role : target.roles()) {
            assertTrue(s.principals().forRole(Optional.of(role)).isPresent(), "every role has principals: " + role);
        }
        assertEquals(Optional.of(List.of("bg-admin")), s.principals().forRole(Optional.of("admin")));
        assertEquals("root", s.user().forGrant(Optional.of("admin"), List.of("bg-admin")));
        assertEquals(Optional.of("from the environment"), s.caKeyPassphrase());
        assertEquals(List.of("permit-pty"), s.extensions());
        assertTrue(s.sessionKill().isPresent());
    }

    @Test
    void theShortSettingsExampleParses() {
        String block = SshCertDocs.blocks("yaml").stream().filter(b -> b.startsWith("settings:")).findFirst()
                .orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = (Map<String, Object>) new org.yaml.snakeyaml.Yaml()
                .<Map<String, Object>>load(block).get("settings");
        SshCertSettings s = SshCertSettings.parse(settings, ENV, "ssh-keygen");
        assertEquals(Optional.of(List.of("bg-readonly")), s.principals().forRole(Optional.of("read-only")));
    }

    @Test
    void everySettingIsInTheTable() throws Exception {
        String page = Files.readString(SshCertDocs.file());
        for (String key : SshCertSettings.KEYS) {
            assertTrue(page.contains("| `" + key + "`") || page.contains(", `" + key + "` |"),
                    key + " is not in the settings table");
        }
    }

    @Test
    void theKillScriptIsAShellScript() {
        String script = SshCertDocs.killScript();
        assertEquals(0, SshTools.run("sh", "-n", "-c", script).exit(), "sh -n finds no syntax error");
    }
}

package dev.breakglass.bot.adapter.sshcert;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The form of the settings as the policy file gives them (files are checked in SshCertAdapterFactoryTest). */
class SshCertSettingsTest {
    private static final String PASSPHRASE = "hunter2-but-longer";
    private static final EnvironmentVariables ENV = EnvironmentVariables.of(Map.of(
            "CA_PASS", PASSPHRASE, "CA_DIR_KEY", "/etc/breakglass/ca", "EMPTY", ""));

    private static SshCertSettings parse(Map<String, Object> settings) {
        return SshCertSettings.parse(settings, ENV, "ssh-keygen");
    }

    private static Map<String, Object> minimal() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ca-key", "/etc/breakglass/ca");
        m.put("krl", "/etc/ssh/revoked.krl");
        m.put("principals", List.of("root"));
        return m;
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> m = minimal();
        m.put(key, value);
        return m;
    }

    private static Map<String, Object> without(String key) {
        Map<String, Object> m = minimal();
        m.remove(key);
        return m;
    }

    @Test
    void threeSettingsAreEnoughDefaultsForTheRest() {
        SshCertSettings s = parse(minimal());

        assertEquals(Path.of("/etc/breakglass/ca"), s.caKey());
        assertEquals(Path.of("/etc/ssh/revoked.krl"), s.krl());
        assertEquals(Optional.of(List.of("root")), s.principals().forRole(Optional.of("any")));
        assertEquals(KeyType.ED25519, s.keyType());
        assertEquals(List.of("permit-pty"), s.extensions());
        assertEquals(Optional.empty(), s.host());
        assertEquals(Optional.empty(), s.port());
        assertEquals("root", s.user().forGrant(Optional.empty(), List.of("root", "ops")), "the first principal");
        assertEquals("ssh-keygen", s.sshKeygen());
        assertEquals(Optional.empty(), s.caKeyPassphrase());
        assertEquals(Optional.empty(), s.sessionKill());
    }

    @Test
    void everySettingIsRead() {
        Map<String, Object> m = minimal();
        m.put("ca-key", "${CA_DIR_KEY}");
        m.put("ca-key-passphrase", "${CA_PASS}");
        m.put("principals", Map.of("admin", List.of("root", "ops"), "read-only", "readonly"));
        m.put("key-type", "rsa");
        m.put("extensions", List.of("permit-pty", "permit-agent-forwarding", "permit-pty"));
        m.put("host", "bastion.example.com");
        m.put("port", 2222);
        m.put("user", Map.of("admin", "root"));
        m.put("ssh-keygen", "/opt/openssh/bin/ssh-keygen");
        m.put("session-kill-command", List.of("/usr/local/bin/kill-sessions", "--fleet", "prod"));
        m.put("session-kill-timeout", "1m");

        SshCertSettings s = parse(m);

        assertEquals(Path.of("/etc/breakglass/ca"), s.caKey());
        assertEquals(Optional.of(PASSPHRASE), s.caKeyPassphrase());
        assertEquals(Optional.of(List.of("root", "ops")), s.principals().forRole(Optional.of("admin")));
        assertEquals(Optional.of(List.of("readonly")), s.principals().forRole(Optional.of("read-only")));
        assertEquals(Optional.empty(), s.principals().forRole(Optional.empty()));
        assertEquals(KeyType.RSA, s.keyType());
        assertEquals(List.of("permit-pty", "permit-agent-forwarding"), s.extensions(), "duplicates dropped");
        assertEquals(Optional.of("bastion.example.com"), s.host());
        assertEquals(Optional.of(2222), s.port());
        assertEquals("root", s.user().forGrant(Optional.of("admin"), List.of("bg-admin")));
        assertEquals("bg-readonly", s.user().forGrant(Optional.of("read-only"), List.of("bg-readonly")),
                "a role without an account: the first principal");
        assertEquals("/opt/openssh/bin/ssh-keygen", s.sshKeygen());
        assertEquals(List.of("/usr/local/bin/kill-sessions", "--fleet", "prod"), s.sessionKill().orElseThrow().argv());
        assertEquals(Duration.ofMinutes(1), s.sessionKill().orElseThrow().timeout());
        assertFalse(s.toString().contains(PASSPHRASE), s.toString());
    }

    @Test
    void oneTextIsAListOfOne() {
        SshCertSettings s = parse(with("principals", "deploy"));
        assertEquals(Optional.of(List.of("deploy")), s.principals().forRole(Optional.empty()));
        assertEquals(List.of("/bin/kill-all"), parse(with("session-kill-command", "/bin/kill-all")).sessionKill()
                .orElseThrow().argv());
        assertEquals(Duration.ofSeconds(30), parse(with("session-kill-command", "/bin/kill-all")).sessionKill()
                .orElseThrow().timeout());
    }

    static Stream<Arguments> badSettings() {
        Map<String, Object> nullPrincipal = new HashMap<>();
        nullPrincipal.put("admin", null);
        return Stream.of(
                Arguments.of(without("ca-key"), "settings.ca-key is missing: the path of the CA's private key"),
                Arguments.of(with("ca-key", 7), "settings.ca-key must be text, not a number"),
                Arguments.of(with("ca-key", " "), "settings.ca-key is empty"),
                Arguments.of(with("ca-key", "${NOPE}"), "settings.ca-key: environment variable NOPE is not set"),
                Arguments.of(with("ca-key", "bad\0path"), "settings.ca-key: \"bad\0path\" is not a file path"),
                Arguments.of(without("krl"), "settings.krl is missing: the path of the KRL file that sshd reads "
                        + "with RevokedKeys"),
                Arguments.of(with("krl", List.of("/a")), "settings.krl must be text, not a list"),
                Arguments.of(without("principals"), "settings.principals is missing: give a list of principals"),
                Arguments.of(with("principals", List.of()), "settings.principals is empty: a certificate needs at "
                        + "least one principal (with none, sshd would accept it for every user)"),
                Arguments.of(with("principals", Map.of()), "settings.principals is an empty map"),
                Arguments.of(with("principals", 5), "settings.principals must be a list or a map, not a number"),
                Arguments.of(with("principals", List.of("root,admin")), "settings.principals: \"root,admin\" is not a "
                        + "principal name"),
                Arguments.of(with("principals", List.of("ro ot")), "settings.principals: \"ro ot\" is not a principal"),
                Arguments.of(with("principals", List.of("")), "settings.principals: \"\" is not a principal"),
                Arguments.of(with("principals", List.of(3)), "settings.principals: 3 is not text"),
                Arguments.of(with("principals", Map.of("admin", List.of())), "settings.principals.admin is empty"),
                Arguments.of(with("principals", nullPrincipal), "settings.principals.admin must be a list of "
                        + "principals"),
                Arguments.of(with("principals", Map.of("admin", Map.of("a", "b"))),
                        "settings.principals.admin must be a list of principals, not a map"),
                Arguments.of(with("key-type", "dsa"), "settings.key-type: \"dsa\" is not a key type; write ed25519, "
                        + "ecdsa or rsa"),
                Arguments.of(with("key-type", "ED25519"), "settings.key-type: \"ED25519\" is not a key type"),
                Arguments.of(with("key-type", 25519), "settings.key-type must be text, not a number"),
                Arguments.of(with("extensions", "permit-pty"), "settings.extensions must be a list, not text"),
                Arguments.of(with("extensions", List.of("permit-everything")), "settings.extensions: "
                        + "\"permit-everything\" is not a certificate extension; choose from permit-pty, "
                        + "permit-port-forwarding, permit-agent-forwarding, permit-X11-forwarding, permit-user-rc"),
                Arguments.of(with("extensions", List.of("force-command=/bin/true")), "settings.extensions: "
                        + "\"force-command=/bin/true\" is not a certificate extension"),
                Arguments.of(with("host", "db1 -oProxyCommand=x"), "settings.host: \"db1 -oProxyCommand=x\" is not a "
                        + "host name or address"),
                Arguments.of(with("port", 0), "settings.port: 0 is not a port"),
                Arguments.of(with("port", 70000), "settings.port: 70000 is not a port"),
                Arguments.of(with("port", "22"), "settings.port: \"22\" is not a port"),
                Arguments.of(with("ssh-keygen", ""), "settings.ssh-keygen is empty"),
                Arguments.of(with("ca-key-passphrase", PASSPHRASE), "settings.ca-key-passphrase must be a ${NAME} "
                        + "reference to an environment variable that holds the passphrase, never the passphrase itself"),
                Arguments.of(with("ca-key-passphrase", 1234), "settings.ca-key-passphrase must be a ${NAME} reference"),
                Arguments.of(with("ca-key-passphrase", "${NOT_SET}"), "settings.ca-key-passphrase: environment "
                        + "variable NOT_SET is not set"),
                Arguments.of(with("ca-key-passphrase", "${EMPTY}"), "settings.ca-key-passphrase: environment "
                        + "variable EMPTY is empty"),
                Arguments.of(with("ca-key-passphrase", "${1X}"), "settings.ca-key-passphrase: has the ${...} form"),
                Arguments.of(with("session-kill-command", "kill-sessions"), "settings.session-kill-command: "
                        + "\"kill-sessions\" is not an absolute path; name the program by its full path"),
                Arguments.of(with("session-kill-command", List.of()), "settings.session-kill-command must be the "
                        + "absolute path of a program, or a list of it and its arguments, not an empty list"),
                Arguments.of(with("session-kill-command", List.of("/bin/x", "")), "settings.session-kill-command: "
                        + "every part must be non-empty text, found an empty one"),
                Arguments.of(with("session-kill-command", true), "settings.session-kill-command must be the absolute "
                        + "path of a program, or a list of it and its arguments, not true/false"),
                Arguments.of(with("session-kill-timeout", "10s"), "settings.session-kill-timeout is set but "
                        + "settings.session-kill-command is not"),
                Arguments.of(killWith("10"), "settings.session-kill-timeout: \"10\" is not a duration from 1s to 5m"),
                Arguments.of(killWith(10), "settings.session-kill-timeout: 10 has no unit"),
                Arguments.of(killWith("6m"), "settings.session-kill-timeout: \"6m\" is longer than 5m"),
                Arguments.of(with("ca_key", "/x"), "settings.ca_key is not an ssh-cert setting; the ssh-cert adapter "
                        + "reads ca-key, ca-key-passphrase, krl, principals, key-type, extensions, host, port, user, "
                        + "ssh-keygen, session-kill-command, session-kill-timeout"),
                Arguments.of(with("login", "root"), "settings.login is not an ssh-cert setting"),
                Arguments.of(with("user", "ro ot"), "settings.user: \"ro ot\" is not an account name"),
                Arguments.of(with("user", List.of("root")), "settings.user must be an account name, or a map from "
                        + "role to account name, not a list"),
                Arguments.of(with("user", Map.of()), "settings.user must be an account name, or a map from role to "
                        + "account name, not an empty map"),
                Arguments.of(with("user", Map.of("admin", 0)), "settings.user.admin must be an account name, not a "
                        + "number"));
    }

    private static Map<String, Object> killWith(Object timeout) {
        Map<String, Object> m = with("session-kill-command", "/bin/kill-all");
        m.put("session-kill-timeout", timeout);
        return m;
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void everyBadSettingIsNamed(Map<String, Object> settings, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(settings));
        assertTrue(e.getMessage().startsWith(expected), "expected: " + expected + "\n   actual: " + e.getMessage());
        assertFalse(e.getMessage().contains(PASSPHRASE), "never the passphrase: " + e.getMessage());
    }
}

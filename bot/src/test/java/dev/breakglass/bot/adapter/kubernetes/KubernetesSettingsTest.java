package dev.breakglass.bot.adapter.kubernetes;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import io.fabric8.kubernetes.client.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings as the policy file gives them, checked when the bot starts, through the factory the bot uses. */
class KubernetesSettingsTest {
    private static final String TOKEN = "eyJhbGciOi-bot-token-do-not-leak";
    private static final EnvironmentVariables ENV = EnvironmentVariables.of(Map.of("K8S_TOKEN", TOKEN, "EMPTY", ""));
    /** A self-signed certificate; only its shape matters here. */
    private static final String CA_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBkjCCATegAwIBAgIUI/Tfu6CjRNWgRhffYfhaPqRu+P8wCgYIKoZIzj0EAwIw
            HTEbMBkGA1UEAwwSdGVzdC1rdWJlcm5ldGVzLWNhMCAXDTI2MTEyMTA3MTUzNVoY
            DzIxMjYxMDI4MDcxNTM1WjAdMRswGQYDVQQDDBJ0ZXN0LWt1YmVybmV0ZXMtY2Ew
            WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATk/YAY9WIbOzKfrDDKm0RzcPLHyJwn
            /rV/crpyaGJ+G26sy2zxQIqYigsorrs2S9+F3oXEOUQMBnHA6fLsguvjo1MwUTAd
            BgNVHQ4EFgQUKKgY3S0lWYd4i3hcrofozWWH9BMwHwYDVR0jBBgwFoAUKKgY3S0l
            WYd4i3hcrofozWWH9BMwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBG
            AiEAxcjSIXIdLgvEl24tGMwRat0pogcO2Tk98oipNm8s/n8CIQCbTWt/g12hjjVO
            muCPaKg0DaMqGSrw/hfIF+xCwIlqbA==
            -----END CERTIFICATE-----
            """;

    @TempDir
    Path dir;

    @Test
    void apiServerTokenAndRolesAreEnoughDefaultsForTheRest() {
        KubernetesSettings s = parse(minimal());

        assertEquals(URI.create("https://k8s.example.com:6443"), s.apiServer());
        assertEquals(Optional.of(TOKEN), s.token());
        assertEquals(Optional.empty(), s.kubeconfig());
        assertEquals(Optional.empty(), s.caCert());
        assertFalse(s.insecureSkipTlsVerify());
        assertEquals(Optional.empty(), s.namespace(), "cluster-wide");
        assertEquals(Map.of("admin", new BoundRole(BoundRole.Kind.CLUSTER_ROLE, "cluster-admin")), s.roles());
        assertEquals(new SubjectNaming.Email(), s.user());
        assertEquals(List.of(), s.groups());
        assertEquals("https://k8s.example.com:6443", s.origin());
    }

    @Test
    void everySettingIsRead() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.crt"), CA_PEM);
        Map<String, Object> given = minimal();
        given.put("ca-cert", ca.toString());
        given.put("namespace", "prod");
        given.put("roles", Map.of("deployer", Map.of("kind", "Role", "name", "deployer"),
                "read-only", Map.of("kind", "ClusterRole", "name", "system:aggregate-to-view")));
        given.put("user", "prefix:oidc:");
        given.put("groups", List.of("sre-breakglass", "oncall"));

        KubernetesSettings s = parse(given);

        assertEquals(Optional.of(ca), s.caCert());
        assertEquals(Optional.of("prod"), s.namespace());
        assertEquals(new BoundRole(BoundRole.Kind.ROLE, "deployer"), s.roles().get("deployer"));
        assertEquals(new BoundRole(BoundRole.Kind.CLUSTER_ROLE, "system:aggregate-to-view"), s.roles().get("read-only"));
        assertEquals(new SubjectNaming.Prefix("oidc:"), s.user());
        assertEquals(List.of("sre-breakglass", "oncall"), s.groups());
    }

    @Test
    void plainHttpIsOnlyForLoopback() {
        Map<String, Object> given = minimal();
        given.put("api-server", "http://127.0.0.1:8001");
        assertEquals("http://127.0.0.1:8001", parse(given).origin());
    }

    @Test
    void insecureSkipTlsVerifyIsOnlyEverExplicit() {
        Map<String, Object> given = minimal();
        given.put("insecure-skip-tls-verify", true);
        assertTrue(parse(given).insecureSkipTlsVerify());
        given.put("insecure-skip-tls-verify", false);
        assertFalse(parse(given).insecureSkipTlsVerify());
    }

    @Test
    void theTokenNeverAppearsInToStringOrMessages() {
        assertFalse(parse(minimal()).toString().contains(TOKEN));
        Map<String, Object> literal = minimal();
        literal.put("token", TOKEN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(literal));
        assertTrue(e.getMessage().startsWith("settings.token must be a ${NAME} reference"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN));
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of(with("kubectl-context", "prod"), "settings.kubectl-context is not a kubernetes setting; "
                        + "the kubernetes adapter reads api-server, token, kubeconfig, ca-cert, "
                        + "insecure-skip-tls-verify, namespace, roles, user, groups"),
                Arguments.of(without("api-server"), "settings.api-server is missing: the API server's https URL"),
                Arguments.of(with("api-server", 6443), "settings.api-server must be text, not a number"),
                Arguments.of(with("api-server", "k8s.example.com"),
                        "settings.api-server: \"k8s.example.com\" is not an https URL"),
                Arguments.of(with("api-server", "http://k8s.example.com"), "settings.api-server: "
                        + "\"http://k8s.example.com\" uses plain http to a host other than loopback; use https (plain "
                        + "http is only for a local kubectl proxy)"),
                Arguments.of(with("api-server", "https://k8s.example.com/?token=x"), "settings.api-server: "
                        + "\"https://k8s.example.com\"… carries user info, a query or a fragment; give the bare server URL"),
                Arguments.of(without("token"), "settings.token is missing: the bot's token as ${NAME}, or give "
                        + "settings.kubeconfig instead"),
                Arguments.of(with("token", "${K8S_UNSET}"), "settings.token: environment variable K8S_UNSET is not set"),
                Arguments.of(with("token", "${EMPTY}"), "settings.token: environment variable EMPTY is empty"),
                Arguments.of(with("token", 12345), "settings.token must be text, not a number"),
                Arguments.of(with("namespace", "Prod_1"), "settings.namespace: \"Prod_1\" is not a namespace name "
                        + "(lower-case letters, digits and -, at most 63 characters)"),
                Arguments.of(without("roles"), "settings.roles is missing: map each policy role to {kind: "
                        + "ClusterRole|Role, name: …}, e.g. admin: {kind: ClusterRole, name: cluster-admin}"),
                Arguments.of(with("roles", List.of("admin")),
                        "settings.roles must be a map of policy role → {kind, name}, not a list"),
                Arguments.of(with("roles", Map.of()), "settings.roles is empty: map each policy role to "
                        + "{kind: ClusterRole|Role, name: …}"),
                Arguments.of(with("roles", Map.of("admin", "cluster-admin")),
                        "settings.roles.admin must be {kind: ClusterRole|Role, name: …}, not text"),
                Arguments.of(with("roles", Map.of("admin", Map.of("kind", "clusterrole", "name", "x"))),
                        "settings.roles.admin.kind: \"clusterrole\" is not a role kind; write ClusterRole or Role"),
                Arguments.of(with("roles", Map.of("admin", Map.of("kind", "ServiceAccount", "name", "x"))),
                        "settings.roles.admin.kind: \"ServiceAccount\" is not a role kind; write ClusterRole or Role"),
                Arguments.of(with("roles", Map.of("admin", Map.of("name", "x"))),
                        "settings.roles.admin.kind: is missing; write ClusterRole or Role"),
                Arguments.of(with("roles", Map.of("admin", Map.of("kind", "ClusterRole"))),
                        "settings.roles.admin.name: is missing; write the ClusterRole's name, e.g. view"),
                Arguments.of(with("roles", Map.of("admin", Map.of("kind", "ClusterRole", "name", "a/b"))),
                        "settings.roles.admin.name: \"a/b\" is not a role name; write the ClusterRole's name, e.g. view"),
                Arguments.of(with("roles", Map.of("admin", Map.of("kind", "ClusterRole", "name", "x", "ns", "y"))),
                        "settings.roles.admin.ns is not a role setting; write kind and name"),
                Arguments.of(with("roles", Map.of("admin", Map.of("kind", "Role", "name", "deployer"))),
                        "settings.roles.admin.kind: a Role lives in a namespace; set settings.namespace, or bind a "
                                + "ClusterRole"),
                Arguments.of(with("user", "slack-id"), "settings.user: \"slack-id\" is not a way to name users; write "
                        + "email (the default: the requester's email from Slack) or prefix:<p> (p + the Slack user id, "
                        + "e.g. \"prefix:slack:\", quoted)"),
                Arguments.of(with("user", "prefix:"), "settings.user: prefix:<p> needs a prefix p of up to 200 "
                        + "characters without control characters, e.g. prefix:slack:"),
                Arguments.of(with("user", "prefix:system:node:"), "settings.user: the prefix \"system:node:\" starts "
                        + "with system:, which Kubernetes reserves for its own users"),
                Arguments.of(with("groups", "sre"), "settings.groups must be a list of group names, not text"),
                Arguments.of(with("groups", List.of("sre", 42)),
                        "settings.groups[1] must be a group name (text without control characters)"),
                Arguments.of(with("groups", List.of("system:authenticated")), "settings.groups[0]: "
                        + "\"system:authenticated\" is one of Kubernetes' own groups; binding it would give the role "
                        + "to far more than the requester"),
                Arguments.of(with("groups", List.of("sre", "sre")), "settings.groups[1]: \"sre\" is listed twice"),
                Arguments.of(with("insecure-skip-tls-verify", "true"), "settings.insecure-skip-tls-verify must be "
                        + "true or false, not text (write it unquoted)"),
                Arguments.of(with("ca-cert", "/nonexistent/ca.crt"),
                        "settings.ca-cert: \"/nonexistent/ca.crt\" is not a file"),
                Arguments.of(with("kubeconfig", "/nonexistent/config"), "settings.kubeconfig: \"/nonexistent/config\" "
                        + "is not a file"));
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void badSettingsStopTheBotNamingTheSetting(Map<String, Object> given, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> create(given));
        assertEquals(message, e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN));
    }

    @Test
    void aCaCertMustBeACertificate() throws IOException {
        Path notPem = Files.writeString(dir.resolve("ca.crt"), "hello");
        Map<String, Object> given = minimal();
        given.put("ca-cert", notPem.toString());
        assertEquals("settings.ca-cert: \"" + notPem + "\" is not a PEM certificate file (-----BEGIN CERTIFICATE-----)",
                assertThrows(IllegalArgumentException.class, () -> parse(given)).getMessage());

        Files.writeString(notPem, CA_PEM);
        given.put("insecure-skip-tls-verify", true);
        assertEquals("settings.insecure-skip-tls-verify: true contradicts settings.ca-cert; remove "
                + "insecure-skip-tls-verify", assertThrows(IllegalArgumentException.class, () -> parse(given))
                .getMessage());
    }

    @Test
    void tokenAndKubeconfigTogetherAreRefused() throws IOException {
        Map<String, Object> given = minimal();
        given.put("kubeconfig", kubeconfig("https://k8s.example.com:6443").toString());
        assertEquals("settings.token and settings.kubeconfig are both given; give one: where the bot's credentials "
                + "come from must not be a guess", assertThrows(IllegalArgumentException.class, () -> parse(given))
                .getMessage());
    }

    @Test
    void aClientThatCannotBeMadeStopsTheBotWithoutDetails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                new KubernetesAdapterFactory(ENV, s -> {
                    throw new IllegalStateException("details quoting " + TOKEN);
                }).create("prod-cluster", minimal()));

        assertEquals("settings: no Kubernetes client could be set up for https://k8s.example.com:6443 "
                + "(IllegalStateException); check api-server, ca-cert and kubeconfig", e.getMessage());
        assertNull(e.getCause());
    }

    // --- the client configuration -------------------------------------------------------------------------------

    @Test
    void theClientIsConfiguredFromTheSettingsAlone() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.crt"), CA_PEM);
        Map<String, Object> given = minimal();
        given.put("ca-cert", ca.toString());

        Config c = KubernetesClients.config(parse(given));

        assertEquals("https://k8s.example.com:6443/", c.getMasterUrl());
        assertEquals(TOKEN, c.getOauthToken());
        assertEquals(ca.toString(), c.getCaCertFile());
        assertFalse(c.isTrustCerts());
        assertFalse(c.isDisableHostnameVerification());
        assertNull(c.getUsername(), "nothing from the bot's own kubeconfig or environment");
        assertNull(c.getClientCertFile());
        assertEquals(KubernetesClients.REQUEST_TIMEOUT_MS, c.getRequestTimeout());
        assertEquals(KubernetesClients.RETRIES, c.getRequestRetryBackoffLimit());
    }

    @Test
    void aKubeconfigSuppliesTheCredentialsForTheSameServer() throws IOException {
        Map<String, Object> given = without("token");
        given.put("kubeconfig", kubeconfig("https://K8S.example.com:6443/").toString());

        Config c = KubernetesClients.config(parse(given));

        assertEquals("kubeconfig-token-do-not-leak", c.getAutoOAuthToken());
        assertEquals("https://k8s.example.com:6443/", c.getMasterUrl());
        assertFalse(c.isTrustCerts(), "the kubeconfig's insecure-skip-tls-verify is not taken over");
    }

    @Test
    void aKubeconfigForAnotherServerOrNoKubeconfigIsRefused() throws IOException {
        Map<String, Object> other = without("token");
        Path otherFile = kubeconfig("https://other.example.com");
        other.put("kubeconfig", otherFile.toString());
        assertEquals("settings.kubeconfig: the current context of \"" + otherFile + "\" points at "
                        + "\"https://other.example.com/\", not at settings.api-server https://k8s.example.com:6443",
                assertThrows(IllegalArgumentException.class, () -> KubernetesClients.config(parse(other))).getMessage());

        Path garbage = Files.writeString(dir.resolve("garbage"), "token: [kubeconfig-token-do-not-leak\n");
        Map<String, Object> broken = without("token");
        broken.put("kubeconfig", garbage.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KubernetesClients.config(parse(broken)));
        assertTrue(e.getMessage().startsWith("settings.kubeconfig: \"" + garbage + "\" is not a kubeconfig"),
                e.getMessage());
        assertFalse(e.getMessage().contains("do-not-leak"));
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private Path kubeconfig(String server) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig-" + Math.abs(server.hashCode())), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: prod
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: bot
                  user:
                    token: kubeconfig-token-do-not-leak
                contexts:
                - name: prod
                  context: {cluster: prod, user: bot}
                current-context: prod
                """.formatted(server));
    }

    private static KubernetesSettings parse(Map<String, Object> given) {
        return KubernetesSettings.parse(given, ENV);
    }

    /** The bot's path: the factory checks the settings before it would make a client. */
    private static void create(Map<String, Object> given) {
        new KubernetesAdapterFactory(ENV, s -> {
            throw new AssertionError("bad settings must be refused before a client is made");
        }).create("prod-cluster", given);
    }

    private static Map<String, Object> minimal() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("api-server", "https://k8s.example.com:6443");
        s.put("token", "${K8S_TOKEN}");
        s.put("roles", Map.of("admin", Map.of("kind", "ClusterRole", "name", "cluster-admin")));
        return s;
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> s = minimal();
        s.put(key, value);
        return s;
    }

    private static Map<String, Object> without(String key) {
        Map<String, Object> s = minimal();
        s.remove(key);
        return s;
    }
}

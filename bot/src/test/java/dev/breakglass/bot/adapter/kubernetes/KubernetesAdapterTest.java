package dev.breakglass.bot.adapter.kubernetes;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.RoleRefBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kubernetes adapter against fabric8's mock API server in CRUD mode: bindings really made and removed. */
class KubernetesAdapterTest {
    private static final String TOKEN = "k8s-bot-token-do-not-leak-0123456789";
    private static final EnvironmentVariables ENV = EnvironmentVariables.of(Map.of("K8S_TOKEN", TOKEN));
    private static final GrantRequest REQUEST = new GrantRequest(new GrantId(7), "prod-cluster", Optional.of("admin"),
            "U0ALICE", Optional.of("alice@example.com"), Instant.parse("2026-11-21T10:45:00.750Z"),
            "INC-42: pods crash-looping in prod, need to read events and restart the deployment");

    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    // --- grant --------------------------------------------------------------------------------------------------

    @Test
    void grantWithoutNamespaceMakesAClusterRoleBindingForTheRequestersEmail() throws Exception {
        Provisioned p = adapter(clusterWide()).grant(REQUEST);

        assertEquals("{\"kind\":\"ClusterRoleBinding\",\"name\":\"breakglass-bg-7\"}", p.handle());
        assertEquals(Optional.empty(), p.credentials(), "the requester signs in as themselves");
        assertEquals(REQUEST, p.request());
        ClusterRoleBinding b = client.rbac().clusterRoleBindings().withName("breakglass-bg-7").get();
        assertNotNull(b);
        assertEquals(List.of(user("alice@example.com")), b.getSubjects());
        assertEquals(roleRef("ClusterRole", "cluster-admin"), b.getRoleRef());
        assertEquals(Map.of("app.kubernetes.io/managed-by", "breakglass", "breakglass.dev/grant", "bg-7"),
                b.getMetadata().getLabels());
        Map<String, String> annotations = b.getMetadata().getAnnotations();
        assertEquals("2026-11-21T10:45:00Z", annotations.get("breakglass.dev/expires-at"));
        assertEquals("U0ALICE", annotations.get("breakglass.dev/requester"));
        assertEquals(REQUEST.justification(), annotations.get("breakglass.dev/justification"));
        assertEquals("prod-cluster", annotations.get("breakglass.dev/target"));
        assertEquals("admin", annotations.get("breakglass.dev/role"));
        assertTrue(client.rbac().roleBindings().inAnyNamespace().list().getItems().isEmpty());
    }

    @Test
    void grantWithNamespaceMakesARoleBindingThere() throws Exception {
        Map<String, Object> settings = namespaced("prod");

        Provisioned p = adapter(settings).grant(REQUEST);

        assertEquals("{\"kind\":\"RoleBinding\",\"namespace\":\"prod\",\"name\":\"breakglass-bg-7\"}", p.handle());
        RoleBinding b = client.rbac().roleBindings().inNamespace("prod").withName("breakglass-bg-7").get();
        assertNotNull(b);
        assertEquals(List.of(user("alice@example.com")), b.getSubjects());
        assertEquals(roleRef("Role", "deployer"), b.getRoleRef());
        assertEquals("bg-7", b.getMetadata().getLabels().get("breakglass.dev/grant"));
        assertTrue(client.rbac().clusterRoleBindings().list().getItems().isEmpty(), "nothing cluster-wide");

        GrantRequest reader = withRole(REQUEST, "read-only", 8);
        adapter(settings).grant(reader);
        assertEquals(roleRef("ClusterRole", "view"),
                client.rbac().roleBindings().inNamespace("prod").withName("breakglass-bg-8").get().getRoleRef(),
                "a RoleBinding may bind a ClusterRole within its namespace");
    }

    @Test
    void grantingTwiceLeavesOneBindingWithTheLatestWindow() throws Exception {
        KubernetesAdapter adapter = adapter(clusterWide());
        Provisioned first = adapter.grant(REQUEST);
        GrantRequest retried = new GrantRequest(REQUEST.id(), REQUEST.target(), REQUEST.role(), REQUEST.slackUserId(),
                REQUEST.email(), Instant.parse("2026-11-21T11:00:00Z"), REQUEST.justification());

        Provisioned second = adapter.grant(retried);

        assertEquals(first.handle(), second.handle());
        List<ClusterRoleBinding> all = client.rbac().clusterRoleBindings().list().getItems();
        assertEquals(1, all.size());
        assertEquals("2026-11-21T11:00:00Z", all.get(0).getMetadata().getAnnotations().get("breakglass.dev/expires-at"));
    }

    @Test
    void aRetriedGrantWhoseRoleMappingChangedIsMadeAnew() throws Exception {
        adapter(clusterWide()).grant(REQUEST);
        Map<String, Object> changed = clusterWide();
        changed.put("roles", Map.of("admin", Map.of("kind", "ClusterRole", "name", "admin")));

        adapter(changed).grant(REQUEST);

        List<ClusterRoleBinding> all = client.rbac().clusterRoleBindings().list().getItems();
        assertEquals(1, all.size());
        assertEquals(roleRef("ClusterRole", "admin"), all.get(0).getRoleRef());
    }

    @Test
    void aBindingOfTheSameNameThatBreakglassDidNotMakeIsLeftAlone() {
        ClusterRoleBinding foreign = new ClusterRoleBindingBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("breakglass-bg-7").build())
                .withSubjects(user("mallory@example.com")).withRoleRef(roleRef("ClusterRole", "view")).build();
        client.resource(foreign).create();

        TargetException e = assertThrows(TargetException.class, () -> adapter(clusterWide()).grant(REQUEST));

        assertTrue(e.getMessage().startsWith("kubernetes grant BG-7 on prod-cluster refused: a ClusterRoleBinding "
                + "named breakglass-bg-7 already exists and was not made by Breakglass for BG-7"), e.getMessage());
        ClusterRoleBinding still = client.rbac().clusterRoleBindings().withName("breakglass-bg-7").get();
        assertEquals(List.of(user("mallory@example.com")), still.getSubjects());
    }

    @Test
    void withoutAnEmailInSlackTheGrantIsRefusedAndNothingIsBound() {
        GrantRequest noEmail = new GrantRequest(REQUEST.id(), REQUEST.target(), REQUEST.role(), "U0BOB",
                Optional.empty(), REQUEST.expiresAt(), REQUEST.justification());

        TargetException e = assertThrows(TargetException.class, () -> adapter(clusterWide()).grant(noEmail));

        assertEquals("kubernetes grant BG-7 on prod-cluster refused: the target names Kubernetes users by email, "
                + "and Slack has no email for U0BOB; add one to the Slack profile (or make the bot's token able to "
                + "read it: users:read.email)", e.getMessage());
        assertTrue(client.rbac().clusterRoleBindings().list().getItems().isEmpty());
    }

    @Test
    void aRefusedRetryRemovesTheBindingAnEarlierAttemptMade() throws Exception {
        adapter(clusterWide()).grant(REQUEST);
        GrantRequest noEmail = new GrantRequest(REQUEST.id(), REQUEST.target(), REQUEST.role(), "U0ALICE",
                Optional.empty(), REQUEST.expiresAt(), REQUEST.justification());

        TargetException e = assertThrows(TargetException.class, () -> adapter(clusterWide()).grant(noEmail));

        assertTrue(e.getMessage().endsWith("; the binding made for BG-7 was deleted again"), e.getMessage());
        assertTrue(client.rbac().clusterRoleBindings().list().getItems().isEmpty(),
                "a FAILED grant is never revoked, so it must leave nothing");
    }

    @Test
    void aPrefixNamesTheUserBySlackIdAndGroupsAreAdded() throws Exception {
        Map<String, Object> settings = clusterWide();
        settings.put("user", "prefix:slack:");
        settings.put("groups", List.of("sre-breakglass"));
        GrantRequest noEmail = new GrantRequest(REQUEST.id(), REQUEST.target(), REQUEST.role(), "U0ALICE",
                Optional.empty(), REQUEST.expiresAt(), REQUEST.justification());

        adapter(settings).grant(noEmail);

        Subject group = new SubjectBuilder().withApiGroup("rbac.authorization.k8s.io").withKind("Group")
                .withName("sre-breakglass").build();
        assertEquals(List.of(user("slack:U0ALICE"), group),
                client.rbac().clusterRoleBindings().withName("breakglass-bg-7").get().getSubjects());
    }

    @Test
    void aRoleWithoutMappingIsRefused() {
        TargetException e = assertThrows(TargetException.class,
                () -> adapter(clusterWide()).grant(withRole(REQUEST, "superuser", 7)));

        assertEquals("kubernetes grant BG-7 on prod-cluster refused: settings.roles has no mapping for the role "
                + "superuser", e.getMessage());
        assertTrue(client.rbac().clusterRoleBindings().list().getItems().isEmpty());
    }

    @Test
    void aTargetWithoutRolesUsesTheSingleMapping() throws Exception {
        Map<String, Object> one = clusterWide();
        one.put("roles", Map.of("default", Map.of("kind", "ClusterRole", "name", "view")));
        GrantRequest noRole = new GrantRequest(REQUEST.id(), REQUEST.target(), Optional.empty(),
                REQUEST.slackUserId(), REQUEST.email(), REQUEST.expiresAt(), REQUEST.justification());

        adapter(one).grant(noRole);
        assertEquals(roleRef("ClusterRole", "view"),
                client.rbac().clusterRoleBindings().withName("breakglass-bg-7").get().getRoleRef());

        TargetException e = assertThrows(TargetException.class, () -> adapter(clusterWide()).grant(noRole));
        assertTrue(e.getMessage().contains("the grant names no role and settings.roles has more than one entry"),
                e.getMessage());
    }

    @Test
    void theJustificationAnnotationIsOneLineAndCut() {
        assertEquals("a b c", KubernetesAdapter.justification("  a\nb\t\tc \r\n"));
        String longText = "é".repeat(300);
        String cut = KubernetesAdapter.justification(longText);
        assertEquals(256, cut.codePointCount(0, cut.length()));
        assertTrue(cut.endsWith("…"));
        String emoji = "😀".repeat(300);
        assertEquals(256, KubernetesAdapter.justification(emoji).codePointCount(0,
                KubernetesAdapter.justification(emoji).length()), "never splits a surrogate pair");
    }

    // --- revoke and verify --------------------------------------------------------------------------------------

    @Test
    void revokeDeletesTheBindingAndVerifyConfirmsIt() throws Exception {
        KubernetesAdapter adapter = adapter(namespaced("prod"));
        Provisioned p = adapter.grant(REQUEST).withoutCredentials();
        assertFalse(adapter.verifyRevoked(p), "still bound");

        adapter.revoke(p);

        assertNull(client.rbac().roleBindings().inNamespace("prod").withName("breakglass-bg-7").get());
        assertTrue(adapter.verifyRevoked(p));
        adapter.revoke(p); // idempotent: nothing left is fine
        assertTrue(adapter.verifyRevoked(p));
    }

    @Test
    void revokeWorksFromTheGrantIdAloneAndSparesOtherGrants() throws Exception {
        KubernetesAdapter adapter = adapter(clusterWide());
        adapter.grant(REQUEST);
        adapter.grant(withRole(REQUEST, "admin", 70));
        adapter.grant(withRole(REQUEST, "admin", 8));
        Provisioned noHandle = new Provisioned(REQUEST, "{}", Optional.empty());

        adapter.revoke(noHandle);

        assertTrue(adapter.verifyRevoked(noHandle));
        assertEquals(List.of("breakglass-bg-70", "breakglass-bg-8"), client.rbac().clusterRoleBindings().list()
                .getItems().stream().map(b -> b.getMetadata().getName()).sorted().toList());
    }

    @Test
    void revokeLooksWhereTheHandleSaysEvenAfterTheNamespaceChanged() throws Exception {
        Provisioned p = adapter(namespaced("prod")).grant(REQUEST).withoutCredentials();
        KubernetesAdapter moved = adapter(namespaced("staging"));

        assertFalse(moved.verifyRevoked(p));
        moved.revoke(p);

        assertTrue(client.rbac().roleBindings().inNamespace("prod").list().getItems().isEmpty());
        assertTrue(moved.verifyRevoked(p));
    }

    @Test
    void aBindingLabelledForTheGrantButNamedOtherwiseIsRevokedToo() throws Exception {
        ClusterRoleBinding copy = new ClusterRoleBindingBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("copied-by-hand").withLabels(Map.of(
                        "app.kubernetes.io/managed-by", "breakglass", "breakglass.dev/grant", "bg-7")).build())
                .withSubjects(user("alice@example.com")).withRoleRef(roleRef("ClusterRole", "view")).build();
        client.resource(copy).create();
        KubernetesAdapter adapter = adapter(clusterWide());
        Provisioned p = new Provisioned(REQUEST, "{\"kind\":\"ClusterRoleBinding\",\"name\":\"breakglass-bg-7\"}",
                Optional.empty());

        assertFalse(adapter.verifyRevoked(p));
        adapter.revoke(p);
        assertTrue(adapter.verifyRevoked(p));
    }

    // --- failures -----------------------------------------------------------------------------------------------

    @Test
    void anUnreachableApiServerFailsWithoutTheToken() {
        Map<String, Object> settings = clusterWide();
        String origin = "http://localhost:" + server.getPort();
        settings.put("api-server", origin);
        KubernetesAdapterFactory factory = new KubernetesAdapterFactory(ENV, KubernetesClients::connect);
        try {
            KubernetesAdapter adapter = factory.create("prod-cluster", settings);
            server.destroy();

            TargetException grant = assertThrows(TargetException.class, () -> adapter.grant(REQUEST));
            TargetException revoke = assertThrows(TargetException.class,
                    () -> adapter.revoke(new Provisioned(REQUEST, "{}", Optional.empty())));

            for (TargetException e : List.of(grant, revoke)) {
                assertTrue(e.getMessage().contains("could not reach " + origin + " ("), e.getMessage());
                assertFalse(e.getMessage().contains(TOKEN));
            }
            assertTrue(grant.getMessage().startsWith("kubernetes grant BG-7 on prod-cluster failed: "),
                    grant.getMessage());
            assertTrue(grant.getMessage().contains("; deleting any binding made for BG-7 failed too: "),
                    grant.getMessage());
            assertTrue(revoke.getMessage().startsWith("kubernetes revoke BG-7 on prod-cluster failed: "),
                    revoke.getMessage());
        } finally {
            factory.close();
        }
    }

    @Test
    void aRefusalByTheApiServerIsReportedWithItsStatus() {
        server.destroy();
        server = new KubernetesMockServer(false);
        server.init();
        client.close();
        client = server.createClient();
        server.expect().get().withPath("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/breakglass-bg-7")
                .andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(403)
                        .withMessage("clusterrolebindings.rbac.authorization.k8s.io \"breakglass-bg-7\" is forbidden: "
                                + "User \"system:serviceaccount:breakglass:bot\" cannot get resource")
                        .build()).always();
        server.expect().get().withPath("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?labelSelector="
                        + "app.kubernetes.io%2Fmanaged-by%3Dbreakglass%2Cbreakglass.dev%2Fgrant%3Dbg-7")
                .andReturn(200, new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingListBuilder().build())
                .always();

        TargetException e = assertThrows(TargetException.class, () -> adapter(clusterWide()).grant(REQUEST));

        assertEquals("kubernetes grant BG-7 on prod-cluster failed: HTTP 403 from https://k8s.example.com:6443: "
                + "clusterrolebindings.rbac.authorization.k8s.io \"breakglass-bg-7\" is forbidden: User "
                + "\"system:serviceaccount:breakglass:bot\" cannot get resource", e.getMessage());
    }

    @Test
    void theRealClientSendsTheBotsTokenToTheConfiguredServer() throws Exception {
        Map<String, Object> settings = clusterWide();
        settings.put("api-server", "http://localhost:" + server.getPort());
        KubernetesAdapterFactory factory = new KubernetesAdapterFactory(ENV, KubernetesClients::connect);
        try {
            KubernetesAdapter adapter = factory.create("prod-cluster", settings);

            adapter.grant(REQUEST);

            assertEquals("Bearer " + TOKEN, server.getLastRequest().getHeader("Authorization"));
            assertNotNull(client.rbac().clusterRoleBindings().withName("breakglass-bg-7").get());
        } finally {
            factory.close();
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private KubernetesAdapter adapter(Map<String, Object> settings) {
        return new KubernetesAdapterFactory(ENV, s -> client).create("prod-cluster", settings);
    }

    private static Map<String, Object> clusterWide() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("api-server", "https://k8s.example.com:6443");
        s.put("token", "${K8S_TOKEN}");
        s.put("roles", Map.of(
                "admin", Map.of("kind", "ClusterRole", "name", "cluster-admin"),
                "read-only", Map.of("kind", "ClusterRole", "name", "view")));
        return s;
    }

    private static Map<String, Object> namespaced(String namespace) {
        Map<String, Object> s = clusterWide();
        s.put("namespace", namespace);
        s.put("roles", Map.of(
                "admin", Map.of("kind", "Role", "name", "deployer"),
                "read-only", Map.of("kind", "ClusterRole", "name", "view")));
        return s;
    }

    private static GrantRequest withRole(GrantRequest r, String role, long id) {
        return new GrantRequest(new GrantId(id), r.target(), Optional.of(role), r.slackUserId(), r.email(),
                r.expiresAt(), r.justification());
    }

    private static Subject user(String name) {
        return new SubjectBuilder().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(name).build();
    }

    private static RoleRef roleRef(String kind, String name) {
        return new RoleRefBuilder().withApiGroup("rbac.authorization.k8s.io").withKind(kind).withName(name).build();
    }

    @SuppressWarnings("unused")
    private static String name(HasMetadata m) {
        return m.getMetadata().getName();
    }
}

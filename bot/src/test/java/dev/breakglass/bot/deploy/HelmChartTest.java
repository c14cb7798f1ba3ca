package dev.breakglass.bot.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.breakglass.bot.config.PolicyLoader;
import dev.breakglass.policy.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Helm chart in {@code deploy/helm/breakglass}, linted and rendered by Helm's own engine in-process
 * (helm-java), with its default values and with {@code deploy/helm/examples/external-postgres.yaml}; the rendered
 * documents are parsed and checked for what a working installation depends on: two replicas on one external
 * PostgreSQL, a distinct Quartz instance id per pod, the Secret and ConfigMap wiring, probes, a non-root
 * read-only container, and the refusals of settings that cannot work.
 */
class HelmChartTest {
    private static final Path CHART = DeployFilesTest.repositoryRoot().resolve("deploy/helm/breakglass");
    private static final Path EXTERNAL_POSTGRES = DeployFilesTest.repositoryRoot()
            .resolve("deploy/helm/examples/external-postgres.yaml");
    private static final String RELEASE = "breakglass";

    @Test
    void lintFindsNothing() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));
    }

    @Test
    void defaultValuesRenderTwoReplicasOnPostgresWithAnInstanceIdPerPod() {
        Rendered chart = render(t -> t);
        Map<String, Object> deployment = chart.one("Deployment");
        assertEquals(2, map(deployment.get("spec")).get("replicas"));
        Map<String, Object> container = chart.container();
        Map<String, Object> instanceId = env(container, "BREAKGLASS_INSTANCE_ID");
        assertEquals("metadata.name", map(map(instanceId.get("valueFrom")).get("fieldRef")).get("fieldPath"),
                "each pod's own name: unique among live pods");
        assertTrue(String.valueOf(env(container, "BREAKGLASS_DB_URL").get("value")).startsWith("jdbc:postgresql:"));
        assertEquals("breakglass", env(container, "BREAKGLASS_DB_USER").get("value"));
        // Recreate: two versions of the bot never run on one schema (docs/operations.md, Upgrades)
        assertEquals("Recreate", map(map(deployment.get("spec")).get("strategy")).get("type"));
    }

    @Test
    void probesSecurityContextAndDataFolderFollowTheImage() throws IOException {
        Rendered chart = render(t -> t);
        Map<String, Object> container = chart.container();
        assertEquals("3000", env(container, "PORT").get("value"));
        assertEquals(3000, map(list(container.get("ports")).get(0)).get("containerPort"));
        Map<String, Object> readiness = map(map(container.get("readinessProbe")).get("httpGet"));
        assertEquals("/health", readiness.get("path"));
        assertEquals("http", readiness.get("port"));
        // /health is 503 while Slack is down: a restart would not help, so liveness only checks the port
        assertEquals("http", map(map(container.get("livenessProbe")).get("tcpSocket")).get("port"));
        assertNotNull(container.get("startupProbe"));

        Map<String, Object> pod = chart.podSpec();
        Map<String, Object> podSecurity = map(pod.get("securityContext"));
        assertEquals(true, podSecurity.get("runAsNonRoot"));
        assertEquals("RuntimeDefault", map(podSecurity.get("seccompProfile")).get("type"));
        Map<String, Object> security = map(container.get("securityContext"));
        assertEquals(true, security.get("readOnlyRootFilesystem"));
        assertEquals(false, security.get("allowPrivilegeEscalation"));
        assertEquals(List.of("ALL"), map(security.get("capabilities")).get("drop"));
        assertEquals(false, pod.get("automountServiceAccountToken"));

        // the uid Kubernetes checks runAsNonRoot against is the image's own user
        String dockerfile = Files.readString(DeployFilesTest.repositoryRoot().resolve("deploy/Dockerfile"));
        Matcher uid = Pattern.compile("useradd [^\\n]*--uid (\\d+)").matcher(dockerfile);
        assertTrue(uid.find(), "deploy/Dockerfile gives its user a fixed uid");
        assertEquals(Integer.parseInt(uid.group(1)), podSecurity.get("runAsUser"));

        // the read-only root leaves the image's data folder and /tmp writable, as emptyDir volumes
        Matcher dataDir = Pattern.compile("BREAKGLASS_DATA_DIR=(\\S+)").matcher(dockerfile);
        assertTrue(dataDir.find());
        assertEquals(Map.of(), map(chart.volumeMountedAt(dataDir.group(1)).get("emptyDir")));
        assertEquals(Map.of(), map(chart.volumeMountedAt("/tmp").get("emptyDir")));
    }

    @Test
    void secretsComeFromTheChartsSecretAndRequiredKeysStopThePod() {
        Rendered defaults = render(t -> t);
        String name = RELEASE;
        Map<String, Object> secret = defaults.named("Secret", name);
        assertNull(secret.get("data"), "no value is set, so the Secret is empty: " + secret);
        assertEquals(name, secretRefOf(defaults.container()));
        for (String key : List.of("SLACK_BOT_TOKEN", "BREAKGLASS_ENCRYPTION_KEY", "BREAKGLASS_DB_PASSWORD")) {
            Map<String, Object> ref = map(map(env(defaults.container(), key).get("valueFrom")).get("secretKeyRef"));
            assertEquals(Map.of("name", name, "key", key, "optional", false), ref, key);
        }

        Rendered set = render(t -> t
                .set("secrets.SLACK_BOT_TOKEN", "test-only-bot-token")
                .set("secrets.WEBHOOK_SECRET", "test-only-webhook-secret"));
        Map<String, Object> data = map(set.named("Secret", name).get("data"));
        assertEquals(Set.of("SLACK_BOT_TOKEN", "WEBHOOK_SECRET"), data.keySet(), "empty values are left out");
        assertEquals("test-only-bot-token",
                new String(Base64.getDecoder().decode((String) data.get("SLACK_BOT_TOKEN")), StandardCharsets.UTF_8));
        // a change of a secret rolls the pods, which read their environment once
        assertFalse(annotation(defaults, "checksum/secret").equals(annotation(set, "checksum/secret")));
    }

    @Test
    void thePolicyIsAConfigMapMountedWhereBreakglassPolicyPoints(@TempDir Path tmp) throws IOException {
        Rendered chart = render(t -> t);
        String policyPath = String.valueOf(env(chart.container(), "BREAKGLASS_POLICY").get("value"));
        Path policyFile = Path.of(policyPath);
        Map<String, Object> volume = chart.volumeMountedAt(policyFile.getParent().toString());
        String configMapName = String.valueOf(map(volume.get("configMap")).get("name"));
        String policy = String.valueOf(map(chart.named("ConfigMap", configMapName).get("data"))
                .get(policyFile.getFileName().toString()));
        // the bot's own loader accepts the default policy
        Policy loaded = new PolicyLoader().load(Files.writeString(tmp.resolve("breakglass.yml"), policy));
        assertEquals(List.of("demo-db"), loaded.targetNames());
        assertEquals(Set.of("sandbox"), loaded.adapters(), "the placeholder policy touches nothing real");
        assertFalse(annotation(chart, "checksum/policy").isBlank());
    }

    @Test
    void theExternalPostgresExampleUsesTheUsersSecretAndTurnsOnMonitoringAndNetworkPolicy(@TempDir Path tmp)
            throws IOException {
        Rendered chart = render(t -> t.withValuesFile(EXTERNAL_POSTGRES));
        assertEquals(2, map(chart.one("Deployment").get("spec")).get("replicas"));
        assertTrue(chart.all("Secret").isEmpty(), "existingSecret: the chart makes no Secret");
        assertEquals("breakglass-secrets", secretRefOf(chart.container()));
        assertEquals("breakglass-secrets", map(map(env(chart.container(), "BREAKGLASS_ENCRYPTION_KEY")
                .get("valueFrom")).get("secretKeyRef")).get("name"));
        assertEquals("jdbc:postgresql://breakglass-db.databases.svc:5432/breakglass?sslmode=verify-full",
                env(chart.container(), "BREAKGLASS_DB_URL").get("value"));
        assertEquals("registry.example.com/breakglass:0.1.0", chart.container().get("image"));

        Map<String, Object> monitor = chart.one("ServiceMonitor");
        assertEquals("monitoring.coreos.com/v1", monitor.get("apiVersion"));
        Map<String, Object> endpoint = map(list(map(monitor.get("spec")).get("endpoints")).get(0));
        assertEquals("/metrics", endpoint.get("path"));
        assertEquals("http", endpoint.get("port"));
        Map<String, Object> bearer = map(endpoint.get("authorization"));
        assertEquals("Bearer", bearer.get("type"), "/metrics answers other pods only with its token");
        assertEquals(Map.of("name", "breakglass-secrets", "key", "BREAKGLASS_METRICS_TOKEN"), bearer.get("credentials"));
        for (String required : List.of("BREAKGLASS_AUDIT_KEY", "BREAKGLASS_METRICS_TOKEN")) {
            assertEquals("breakglass-secrets", map(map(env(chart.container(), required).get("valueFrom"))
                    .get("secretKeyRef")).get("name"), required);
        }

        Map<String, Object> network = map(chart.one("NetworkPolicy").get("spec"));
        assertEquals(List.of(Map.of("port", "http", "protocol", "TCP")),
                map(list(network.get("ingress")).get(0)).get("ports"), "in: the HTTP port only");
        Set<Object> egressPorts = new TreeSet<>();
        for (Object rule : list(network.get("egress"))) {
            for (Object port : list(map(rule).get("ports"))) {
                egressPorts.add(map(port).get("port"));
            }
        }
        assertEquals(new TreeSet<>(List.of(53, 443, 5432)), egressPorts, "out: DNS, HTTPS and the database");

        String policy = String.valueOf(map(chart.one("ConfigMap").get("data")).get("breakglass.yml"));
        Policy loaded = new PolicyLoader().load(Files.writeString(tmp.resolve("breakglass.yml"), policy));
        assertEquals("${WEBHOOK_SECRET}", loaded.target("payments-admin").orElseThrow().settings().get("secret"));
    }

    @Test
    void theServiceMonitorIsOffByDefaultAndThePdbAndServiceSelectThePods() {
        Rendered defaults = render(t -> t);
        assertTrue(defaults.all("ServiceMonitor").isEmpty(), "needs the Prometheus Operator: off by default");
        assertTrue(defaults.all("NetworkPolicy").isEmpty());
        assertEquals(1, render(t -> t.set("serviceMonitor.enabled", true)).all("ServiceMonitor").size());

        Map<String, Object> podLabels = map(map(map(map(defaults.one("Deployment").get("spec")).get("template"))
                .get("metadata")).get("labels"));
        Map<String, Object> pdb = map(defaults.one("PodDisruptionBudget").get("spec"));
        assertEquals(1, pdb.get("maxUnavailable"));
        assertTrue(podLabels.entrySet().containsAll(map(map(pdb.get("selector")).get("matchLabels")).entrySet()));
        Map<String, Object> service = map(defaults.one("Service").get("spec"));
        assertTrue(podLabels.entrySet().containsAll(map(service.get("selector")).entrySet()));
        assertEquals("http", map(list(service.get("ports")).get(0)).get("targetPort"));
    }

    @Test
    void severalReplicasWithoutAnExternalDatabaseAreRefused() {
        for (String url : List.of("", "jdbc:h2:file:/app/data/breakglass")) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> render(t -> t.set("database.url", url)));
            assertTrue(refused.getMessage().contains("replicaCount is 2 but there is no external database"),
                    refused.getMessage());
            assertTrue(refused.getMessage().contains("set database.url"), refused.getMessage());
        }
        IllegalStateException mysql = assertThrows(IllegalStateException.class,
                () -> render(t -> t.set("database.url", "jdbc:mysql://db:3306/breakglass")));
        assertTrue(mysql.getMessage().contains("is neither PostgreSQL"), mysql.getMessage());
        IllegalStateException badKey = assertThrows(IllegalStateException.class,
                () -> render(t -> t.set("secrets.not-a-name", "x")));
        assertTrue(badKey.getMessage().contains("secrets.not-a-name is not an environment variable name"),
                badKey.getMessage());
    }

    @Test
    void oneReplicaMayRunTheSandboxOnTheEmbeddedDatabase() {
        Rendered sandbox = render(t -> t.set("replicaCount", 1).set("database.url", ""));
        assertEquals(1, map(sandbox.one("Deployment").get("spec")).get("replicas"));
        List<String> names = envNames(sandbox.container());
        assertFalse(names.contains("BREAKGLASS_DB_URL"), names.toString());
        assertFalse(names.contains("SLACK_BOT_TOKEN"), "no bot token is sandbox mode, fine on one replica");
        assertFalse(names.contains("BREAKGLASS_ENCRYPTION_KEY"), "the key file lives and dies with the H2 file");
    }

    @Test
    void everyVariableTheChartSetsIsOneTheBotReads() throws IOException {
        Set<String> read = settingsTheBotReads();
        Rendered chart = render(t -> t);
        Set<String> set = new TreeSet<>(envNames(chart.container()));
        // every key of the chart's Secret becomes a variable (envFrom): the default keys
        @SuppressWarnings("unchecked")
        Map<String, Object> defaults = (Map<String, Object>) yaml(Files.readString(CHART.resolve("values.yaml")))
                .get("secrets");
        set.addAll(defaults.keySet());
        set.removeAll(read);
        assertEquals(Set.of(), set, "names the bot does not read (bot/src/main/resources/application.yml, "
                + "docs/configuration.md)");
    }

    @Test
    void notesSayWhatIsStillMissing() {
        String notes = new Helm(CHART).install().withName(RELEASE).withNamespace("ops").clientOnly().dryRun()
                .call().getOutput();
        assertTrue(notes.contains("the pods will not start"), notes);
        for (String key : List.of("SLACK_BOT_TOKEN", "BREAKGLASS_ENCRYPTION_KEY", "BREAKGLASS_DB_PASSWORD")) {
            assertTrue(notes.contains("  - " + key), key + " in\n" + notes);
        }
        assertTrue(notes.contains("database.url is the chart's placeholder"), notes);
        String example = new Helm(CHART).install().withName(RELEASE).withNamespace("ops").clientOnly().dryRun()
                .withValuesFile(EXTERNAL_POSTGRES).call().getOutput();
        assertFalse(example.contains("the pods will not start"), example);
        assertFalse(example.contains("database.url is the chart's placeholder"), example);
    }

    // ---- rendering --------------------------------------------------------------------------------------------

    /** The names the bot reads: application.yml's ${NAME…} and the settings table of docs/configuration.md. */
    private static Set<String> settingsTheBotReads() throws IOException {
        Set<String> names = new TreeSet<>();
        Path root = DeployFilesTest.repositoryRoot();
        Matcher placeholder = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]")
                .matcher(Files.readString(root.resolve("bot/src/main/resources/application.yml")));
        while (placeholder.find()) {
            names.add(placeholder.group(1));
        }
        Matcher row = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]*)`")
                .matcher(Files.readString(root.resolve("docs/configuration.md")));
        while (row.find()) {
            names.add(row.group(1));
        }
        assertTrue(names.containsAll(List.of("SLACK_BOT_TOKEN", "BREAKGLASS_DB_URL", "BREAKGLASS_DATA_DIR", "PORT")),
                "the sources this test reads changed: " + names);
        return names;
    }

    private static Rendered render(UnaryOperator<TemplateCommand> values) {
        String out = values.apply(new Helm(CHART).template().withName(RELEASE).withNamespace("ops")).call();
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(out)) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        return new Rendered(documents);
    }

    /** The documents {@code helm template} printed. */
    private record Rendered(List<Map<String, Object>> documents) {
        List<Map<String, Object>> all(String kind) {
            return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        }

        Map<String, Object> one(String kind) {
            List<Map<String, Object>> found = all(kind);
            assertEquals(1, found.size(), "one " + kind + " in " + documents);
            return found.get(0);
        }

        Map<String, Object> named(String kind, String name) {
            return all(kind).stream().filter(d -> name.equals(map(d.get("metadata")).get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + documents));
        }

        Map<String, Object> podSpec() {
            return map(map(map(one("Deployment").get("spec")).get("template")).get("spec"));
        }

        Map<String, Object> container() {
            List<Object> containers = list(podSpec().get("containers"));
            assertEquals(1, containers.size());
            return map(containers.get(0));
        }

        /** The pod volume mounted at {@code path} in the container. */
        Map<String, Object> volumeMountedAt(String path) {
            String volume = list(container().get("volumeMounts")).stream().map(HelmChartTest::map)
                    .filter(m -> path.equals(m.get("mountPath"))).map(m -> String.valueOf(m.get("name")))
                    .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + path));
            return list(podSpec().get("volumes")).stream().map(HelmChartTest::map)
                    .filter(v -> volume.equals(v.get("name"))).findFirst().orElseThrow();
        }
    }

    private static String annotation(Rendered chart, String name) {
        return String.valueOf(map(map(map(map(chart.one("Deployment").get("spec")).get("template"))
                .get("metadata")).get("annotations")).get(name));
    }

    private static String secretRefOf(Map<String, Object> container) {
        List<Object> envFrom = list(container.get("envFrom"));
        assertEquals(1, envFrom.size(), envFrom.toString());
        return String.valueOf(map(map(envFrom.get(0)).get("secretRef")).get("name"));
    }

    private static Map<String, Object> env(Map<String, Object> container, String name) {
        return list(container.get("env")).stream().map(HelmChartTest::map).filter(e -> name.equals(e.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no env " + name + " in " + container.get("env")));
    }

    private static List<String> envNames(Map<String, Object> container) {
        return list(container.get("env")).stream().map(e -> String.valueOf(map(e).get("name"))).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertTrue(value instanceof Map, "expected a mapping, got " + value);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertTrue(value instanceof List, "expected a list, got " + value);
        return (List<Object>) value;
    }

    private static Map<String, Object> yaml(String text) {
        return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(text));
    }
}

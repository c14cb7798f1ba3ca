package dev.breakglass.bot.deploy;

import dev.breakglass.bot.config.PolicyLoader;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.bot.adapter.command.CommandAdapterFactory;
import dev.breakglass.bot.adapter.kubernetes.KubernetesAdapterFactory;
import dev.breakglass.bot.adapter.kubernetes.KubernetesClients;
import dev.breakglass.bot.adapter.mysql.MysqlAdapterFactory;
import dev.breakglass.bot.adapter.postgres.PostgresAdapterFactory;
import dev.breakglass.bot.adapter.sandbox.SandboxTargetFactory;
import dev.breakglass.bot.adapter.sshcert.SshCertAdapterFactory;
import dev.breakglass.bot.adapter.webhook.WebhookAdapterFactory;
import dev.breakglass.bot.adapter.webhook.Sleeper;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.TargetAdapterFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every YAML policy a reader may copy — each fenced {@code yaml} block in README.md and docs/, the container
 * deployment's {@code deploy/breakglass.yml} and the Helm chart's default policy — goes through the real policy
 * reader, and every target in it through its real adapter factory, as the bot does at start. A block that shows
 * only part of a policy (no {@code channels}, or no {@code targets}) is completed with the smallest missing part.
 *
 * <p>What the factories need from the machine is made here: the {@code ${NAME}} references get placeholder
 * values, and each absolute path a setting names (an executable, a CA key, a kubeconfig…) is made under a temporary
 * folder and the setting pointed there. {@code check-on-start} is switched off, since it connects to the
 * example's server (the real-server tests of each adapter cover it). Blocks that are not policies are named by
 * kind (a Kubernetes object, a Prometheus configuration, a list, an adapter's {@code settings} alone), so a new kind of block fails this test
 * until it is classified.
 */
class DocsPolicyExamplesTest {
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Set<String> POLICY_KEYS = Set.of("channels", "targets", "justification", "pending-timeout",
            "reveal-limit", "warn-before", "review", "requests-per-hour", "step-up", "activity", "emergencies");
    /** Adapter types the docs use for a plugin of the reader's own (docs/adapters.md writes one). */
    private static final Set<String> PLUGIN_EXAMPLES = Set.of("marker-file");

    @TempDir
    Path machine;

    /** One YAML text a reader may copy: where it is, and the text. */
    record Example(String where, String yaml) { }

    @Test
    void everyPolicyInTheDocsLoadsAndItsAdaptersAcceptTheirSettings() throws Exception {
        List<Example> policies = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (Example example : examples()) {
            Object root = yaml().loadAll(example.yaml()).iterator().next();
            switch (kind(root)) {
                case "policy" -> policies.add(example);
                case "kubernetes object", "prometheus configuration", "list", "adapter settings" ->
                        others.add(example.where());
                default -> fail(example.where() + ": a yaml block that is neither a policy nor a known kind of "
                        + "fragment; make it a policy example, or classify it here");
            }
        }
        assertTrue(policies.size() >= 12, "too few policy examples found: " + policies.stream()
                .map(Example::where).toList());
        assertTrue(others.size() >= 5, "fragments: " + others);

        int targets = 0;
        for (Example example : policies) {
            Policy policy;
            try {
                policy = new PolicyLoader().parse(example.where(), completed(example.yaml()));
            } catch (RuntimeException e) {
                throw new AssertionError(example.where() + " does not load: " + e.getMessage(), e);
            }
            Map<String, TargetAdapterFactory> factories = factories(environment(example.yaml()));
            for (TargetPolicy target : policy.targets().values()) {
                if (PLUGIN_EXAMPLES.contains(target.adapter())) {
                    continue;
                }
                TargetAdapterFactory factory = factories.get(target.adapter());
                assertTrue(factory != null, example.where() + ": target " + target.name() + " names the adapter "
                        + target.adapter() + ", which is not built in");
                try {
                    factory.create(target.name(), onThisMachine(target.settings(), example.yaml()));
                } catch (IllegalArgumentException e) {
                    throw new AssertionError(example.where() + ": the " + target.adapter() + " adapter refuses target "
                            + target.name() + ": " + e.getMessage(), e);
                }
                targets++;
            }
        }
        assertTrue(targets >= 15, "too few targets checked: " + targets);
    }

    /** The test itself can fail: the settings key the complete example once used is refused, as at start. */
    @Test
    void aSettingThePostgresAdapterDoesNotKnowIsFound() throws Exception {
        String wrong = """
                channels:
                  approvals: C0APPROVALS
                targets:
                  orders-db:
                    adapter: postgres
                    max-duration: 1h
                    approvers: [S0SRELEADS]
                    settings:
                      url: jdbc:postgresql://orders-db.internal:5432/orders
                      admin-user: breakglass_admin
                      admin-password: ${ORDERS_DB_ADMIN_PASSWORD}
                      role-map:
                        read-only: pg_read_all_data
                """;
        Policy policy = new PolicyLoader().parse("wrong", wrong);
        TargetPolicy target = policy.targets().get("orders-db");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> factories(environment(wrong))
                .get("postgres").create(target.name(), onThisMachine(target.settings(), wrong)));
        assertTrue(e.getMessage().startsWith("settings.role-map"), e.getMessage());
    }

    /** Every fenced yaml block of README.md and docs/, plus the deployment's policy files. */
    private static List<Example> examples() throws IOException {
        Path root = DeployFilesTest.repositoryRoot();
        List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<Example> out = new ArrayList<>();
        for (Path page : pages) {
            String text = Files.readString(page);
            Matcher m = YAML_BLOCK.matcher(text);
            while (m.find()) {
                int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                out.add(new Example(root.relativize(page) + ":" + line, dedent(m.group(1))));
            }
        }
        out.add(new Example("deploy/breakglass.yml", Files.readString(root.resolve("deploy/breakglass.yml"))));
        Map<?, ?> values = (Map<?, ?>) yaml().load(Files.readString(root.resolve("deploy/helm/breakglass/values.yaml")));
        out.add(new Example("deploy/helm/breakglass/values.yaml (policy)", (String) values.get("policy")));
        return out;
    }

    private static String kind(Object root) {
        if (root instanceof List<?>) {
            return "list";
        }
        if (root instanceof Map<?, ?> map) {
            if (map.containsKey("apiVersion")) {
                return "kubernetes object";
            }
            if (map.containsKey("scrape_configs")) {
                return "prometheus configuration";
            }
            if (map.keySet().stream().anyMatch(POLICY_KEYS::contains)) {
                return "policy";
            }
            if (map.keySet().equals(Set.of("settings"))) {
                return "adapter settings";
            }
        }
        return "unknown";
    }

    /** A part of a policy made whole: a channel when it names none, a sandbox target when it has none. */
    private static String completed(String yaml) {
        Map<?, ?> root = (Map<?, ?>) yaml().load(yaml);
        String out = yaml;
        if (!root.containsKey("channels")) {
            out = "channels:\n  approvals: C0DOCSEXAMPLE\n" + out;
        }
        if (!root.containsKey("targets")) {
            out = out + "\ntargets:\n  docs-example:\n    adapter: sandbox\n    max-duration: 1h\n    approvers: [\"*\"]\n";
        }
        return out;
    }

    private static String dedent(String block) {
        int indent = block.lines().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return block.lines().map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** A value for every {@code ${NAME}} the example uses: the name itself, marked as a placeholder. */
    private static EnvironmentVariables environment(String yaml) {
        Map<String, String> values = new TreeMap<>();
        Matcher m = REFERENCE.matcher(yaml);
        while (m.find()) {
            values.put(m.group(1), placeholder(m.group(1)));
        }
        return EnvironmentVariables.of(values);
    }

    private static String placeholder(String name) {
        return "docs-example-" + name.toLowerCase();
    }

    private Map<String, TargetAdapterFactory> factories(EnvironmentVariables env) {
        Clock clock = Clock.systemUTC();
        List<TargetAdapterFactory> all = List.of(new WebhookAdapterFactory(clock, env, Sleeper.real()),
                new SandboxTargetFactory(), new PostgresAdapterFactory(clock, env), new MysqlAdapterFactory(clock, env),
                new SshCertAdapterFactory(clock, env, SshCertAdapterFactory.DEFAULT_SSH_KEYGEN),
                new KubernetesAdapterFactory(env, KubernetesClients::connect), new CommandAdapterFactory(env));
        return all.stream().collect(Collectors.toMap(TargetAdapterFactory::type, Function.identity()));
    }

    /**
     * The target's settings with every absolute path made under {@link #machine}, as the file the key needs, and
     * the connection check at start switched off.
     */
    private Map<String, Object> onThisMachine(Map<String, Object> settings, String yaml) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>(settings);
        out.computeIfPresent("check-on-start", (k, v) -> false);
        for (Map.Entry<String, Object> e : out.entrySet()) {
            if (e.getValue() instanceof String path && path.startsWith("/")) {
                e.setValue(made(e.getKey(), path, yaml, settings).toString());
            } else if (e.getKey().endsWith("-command") && e.getValue() instanceof List<?> command
                    && !command.isEmpty() && command.get(0) instanceof String path && path.startsWith("/")) {
                List<Object> local = new ArrayList<>(command);
                local.set(0, made("executable", path, yaml, settings).toString());
                e.setValue(local);
            }
        }
        return out;
    }

    private Path made(String key, String path, String yaml, Map<String, Object> settings) throws Exception {
        Path file = machine.resolve(path.substring(1));
        Files.createDirectories(file.getParent());
        switch (key) {
            case "executable" -> {
                Files.writeString(file, "#!/bin/sh\nexit 0\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
            }
            case "working-dir", "dir" -> Files.createDirectories(file);
            case "ca-cert" -> run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", file + ".key", "-out", file.toString(), "-days", "1", "-subj", "/CN=docs-ca");
            case "kubeconfig" -> Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: docs
                      cluster: {server: "%s", insecure-skip-tls-verify: true}
                    users:
                    - name: docs
                      user: {token: docs-example-token}
                    contexts:
                    - name: docs
                      context: {cluster: docs, user: docs}
                    current-context: docs
                    """.formatted(settings.get("api-server")));
            case "ca-key" -> {
                Matcher passphrase = Pattern.compile("ca-key-passphrase: \\$\\{([A-Za-z0-9_]+)}").matcher(yaml);
                String secret = passphrase.find() ? placeholder(passphrase.group(1)) : "";
                if (!Files.exists(file)) {
                    run("ssh-keygen", "-q", "-t", "ed25519", "-N", secret, "-C", "docs-ca", "-f", file.toString());
                }
            }
            case "krl" -> { }
            default -> fail("no fixture for the path setting " + key + " (" + path + "): add one here");
        }
        return file;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }
}

package dev.breakglass.bot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.breakglass.bot.config.PolicyLoader;
import dev.breakglass.bot.testing.SlackSamples;
import dev.breakglass.policy.EmergencyPolicy;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.TargetPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files users deploy with: the example policy that {@code deploy/docker-compose.yml} mounts, the compose file
 * and the Dockerfile (every variable the policy references and the encryption key are passed to the bot, secrets
 * come from {@code .env}, the data folder is writable and kept in a volume, the {@code replicas} profile's second
 * bot shares everything with the first but its instance id), and the Slack app manifest, checked
 * against Slack's own manifest JSON schema from the shared Slack samples (skipped, saying why, where they are
 * absent).
 */
class DeployFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where Slack's dispatcher schema points its versions; served here from the samples folder. */
    private static final String SCHEMA_BASE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/";
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{[A-Z_][A-Z0-9_]*}");
    /** What the adapters resolve as a reference: a whole value {@code ${NAME}} (see EnvironmentVariables). */
    private static final Pattern ANY_REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*}");

    /** The repository root: the nearest folder, from the working directory up, that holds deploy/. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy").resolve("docker-compose.yml"))) {
                return dir;
            }
        }
        throw new AssertionError("no deploy/docker-compose.yml above " + Path.of("").toAbsolutePath());
    }

    // ---- deploy/breakglass.yml ----------------------------------------------------------------------------

    @Test
    void theComposeFileMountsTheExamplePolicy() throws IOException {
        Map<String, Object> compose = yaml(repositoryRoot().resolve("deploy/docker-compose.yml"));
        Map<String, Object> bot = map(map(compose.get("services")).get("bot"));
        String policyPath = String.valueOf(map(bot.get("environment")).get("BREAKGLASS_POLICY"));
        @SuppressWarnings("unchecked")
        List<String> volumes = (List<String>) bot.get("volumes");
        assertTrue(volumes.contains("./breakglass.yml:" + policyPath + ":ro"), volumes + " vs " + policyPath);
        assertTrue(Files.isRegularFile(repositoryRoot().resolve("deploy/breakglass.yml")));
    }

    @Test
    void theExamplePolicyLoads() {
        Policy policy = new PolicyLoader().load(repositoryRoot().resolve("deploy/breakglass.yml"));
        assertEquals(List.of("orders-db", "payments-admin"), policy.targetNames());
        assertEquals(Set.of("postgres", "webhook"), policy.adapters());
        assertEquals("C0APPROVALS", policy.channels().approvals());
        assertEquals(List.of("C0SECURITY", "C0MGMT"), policy.channels().notifyChannels());

        TargetPolicy db = policy.target("orders-db").orElseThrow();
        assertEquals("postgres", db.adapter());
        assertEquals(Optional.of("read-only"), db.defaultRole());
        assertEquals(Optional.of(new EmergencyPolicy(Duration.ofMinutes(10), Duration.ofMinutes(30))), db.emergency());
        assertEquals("${ORDERS_DB_ADMIN_PASSWORD}", db.settings().get("admin-password"));

        TargetPolicy webhook = policy.target("payments-admin").orElseThrow();
        assertEquals("webhook", webhook.adapter());
        assertEquals(Optional.empty(), webhook.emergency(), "emergency access on one target only");
        assertEquals(2, webhook.approvals());
        assertTrue(String.valueOf(webhook.settings().get("url")).startsWith("https://"), webhook.settings().toString());
        assertEquals("${WEBHOOK_SECRET}", webhook.settings().get("secret"));
        // the settings DESIGN.md gives the webhook adapter, and nothing else
        assertTrue(Set.of("url", "secret", "timeout").containsAll(webhook.settings().keySet()),
                webhook.settings().keySet().toString());
    }

    @Test
    void everyExampleTargetIsAcceptedByItsRealAdapter() {
        Policy policy = new PolicyLoader().load(repositoryRoot().resolve("deploy/breakglass.yml"));
        var env = dev.breakglass.bot.adapter.EnvironmentVariables.of(Map.of(
                "ORDERS_DB_ADMIN_PASSWORD", "test-only-not-a-password",
                "WEBHOOK_SECRET", "test-only-webhook-secret-of-enough-bytes"));
        var clock = java.time.Clock.systemUTC();
        Map<String, dev.breakglass.port.TargetAdapterFactory> factories = Map.of(
                "postgres", new dev.breakglass.bot.adapter.postgres.PostgresAdapterFactory(clock, env),
                "webhook", new dev.breakglass.bot.adapter.webhook.WebhookAdapterFactory(clock, env,
                        dev.breakglass.bot.adapter.webhook.Sleeper.real()));
        for (TargetPolicy target : policy.targets().values()) {
            assertTrue(factories.containsKey(target.adapter()), target.adapter());
            // create() validates every setting and throws naming the one it refuses
            factories.get(target.adapter()).create(target.name(), target.settings());
        }
    }

    @Test
    void theExamplePolicyHoldsNoSecrets() {
        Policy policy = new PolicyLoader().load(repositoryRoot().resolve("deploy/breakglass.yml"));
        List<String> literal = new ArrayList<>();
        for (TargetPolicy target : policy.targets().values()) {
            target.settings().forEach((key, value) -> {
                boolean secretish = key.matches("(?i).*(secret|password|token|key).*");
                if (secretish && !(value instanceof String s && REFERENCE.matcher(s).matches())) {
                    literal.add(target.name() + "." + key);
                }
            });
        }
        assertEquals(List.of(), literal, "secret settings must be ${NAME} references");
    }

    @Test
    void theComposeFilePassesEveryVariableTheExamplePolicyReferences() throws IOException {
        Policy policy = new PolicyLoader().load(repositoryRoot().resolve("deploy/breakglass.yml"));
        Set<String> referenced = new TreeSet<>();
        policy.targets().values().forEach(t -> collectReferences(t.settings(), referenced));
        assertEquals(Set.of("ORDERS_DB_ADMIN_PASSWORD", "WEBHOOK_SECRET"), referenced,
                "the references this test was written for; it must still find them");

        Map<String, Object> environment = botEnvironment();
        List<String> missing = new ArrayList<>();
        for (String name : referenced) {
            // unset or empty stops the bot at start, so compose refuses to start without it, with a message
            if (!requiredFromEnvFile(environment, name)) {
                missing.add(name + " (found " + environment.get(name) + ")");
            }
        }
        assertEquals(List.of(), missing,
                "every ${NAME} in deploy/breakglass.yml must be passed to the bot as NAME: ${NAME:?message}");
    }

    @Test
    void theComposeFileRequiresTheEncryptionKey() throws IOException {
        Map<String, Object> environment = botEnvironment();
        assertTrue(requiredFromEnvFile(environment, "BREAKGLASS_ENCRYPTION_KEY"),
                "BREAKGLASS_ENCRYPTION_KEY must be passed as ${BREAKGLASS_ENCRYPTION_KEY:?message}, found "
                        + environment.get("BREAKGLASS_ENCRYPTION_KEY"));
        // secrets come from .env, never from the compose file itself
        List<String> literal = new ArrayList<>();
        environment.forEach((name, value) -> {
            boolean secretish = name.matches(".*(SECRET|PASSWORD|TOKEN|KEY).*");
            if (secretish && !String.valueOf(value).startsWith("${" + name)) {
                literal.add(name);
            }
        });
        assertEquals(List.of(), literal, "secret settings written into docker-compose.yml");
    }

    @Test
    void theImageHasAWritableDataFolderThatComposeKeepsInAVolume() throws IOException {
        String dockerfile = Files.readString(repositoryRoot().resolve("deploy/Dockerfile"));
        Matcher dataDir = Pattern.compile("BREAKGLASS_DATA_DIR=(\\S+)").matcher(dockerfile);
        assertTrue(dataDir.find(), "the Dockerfile sets BREAKGLASS_DATA_DIR");
        String folder = dataDir.group(1);
        Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)\\s*$").matcher(dockerfile);
        assertTrue(user.find(), "the Dockerfile runs as a named user");
        assertFalse(user.group(1).equals("root") || user.group(1).equals("0"), "the bot must not run as root");
        assertTrue(dockerfile.contains("chown " + user.group(1) + ":" + user.group(1) + " " + folder),
                folder + " must belong to " + user.group(1) + ", who creates the key file and H2 database there");
        assertTrue(dockerfile.contains("chmod 700 " + folder), folder + " must be closed to other users");
        Matcher workdir = Pattern.compile("(?m)^WORKDIR\\s+(\\S+)\\s*$").matcher(dockerfile);
        String lastWorkdir = null;
        while (workdir.find()) {
            lastWorkdir = workdir.group(1);
        }
        assertEquals(folder, lastWorkdir + "/data",
                "the default H2 file ./data/breakglass must land in the data folder too");

        Map<String, Object> compose = yaml(repositoryRoot().resolve("deploy/docker-compose.yml"));
        Map<String, Object> bot = map(map(compose.get("services")).get("bot"));
        @SuppressWarnings("unchecked")
        List<String> volumes = (List<String>) bot.get("volumes");
        List<String> named = volumes.stream().filter(v -> v.endsWith(":" + folder))
                .map(v -> v.substring(0, v.indexOf(':'))).toList();
        assertEquals(1, named.size(), "one volume at " + folder + " in " + volumes);
        assertTrue(map(compose.get("volumes")).containsKey(named.get(0)),
                named.get(0) + " must be a named volume, declared under volumes:");
    }

    @Test
    void theReplicasProfileAddsASecondBotThatSharesEverythingButItsInstanceId() throws IOException {
        Map<String, Object> compose = yaml(repositoryRoot().resolve("deploy/docker-compose.yml"));
        Map<String, Object> services = map(compose.get("services"));
        // the services that run the bot's image
        List<String> bots = services.keySet().stream()
                .filter(name -> map(services.get(name)).get("build") instanceof Map<?, ?> build
                        && "deploy/Dockerfile".equals(build.get("dockerfile")))
                .toList();
        assertEquals(List.of("bot", "bot-2"), bots);
        Map<String, Object> bot = map(services.get("bot"));
        Map<String, Object> second = map(services.get("bot-2"));
        assertEquals(null, bot.get("profiles"), "docker compose up starts one bot");
        assertEquals(null, map(services.get("db")).get("profiles"), "both replicas need the database");
        assertEquals(List.of("replicas"), second.get("profiles"));

        Map<String, Object> env1 = map(bot.get("environment"));
        Map<String, Object> env2 = map(second.get("environment"));
        Object id1 = env1.get("BREAKGLASS_INSTANCE_ID");
        Object id2 = env2.get("BREAKGLASS_INSTANCE_ID");
        assertTrue(id1 instanceof String s && !s.isBlank() && !s.contains("$"), "a fixed id for bot: " + id1);
        assertTrue(id2 instanceof String s && !s.isBlank() && !s.contains("$"), "a fixed id for bot-2: " + id2);
        assertFalse(id1.equals(id2), "two running replicas must never share an instance id");
        for (Map<String, Object> service : List.of(bot, second)) {
            assertEquals(null, service.get("deploy"), "a fixed instance id must not be scaled to copies");
        }

        // everything else the same: one PostgreSQL, one encryption key, one policy, the same secrets
        Map<String, Object> rest1 = new TreeMap<>(env1);
        Map<String, Object> rest2 = new TreeMap<>(env2);
        rest1.remove("BREAKGLASS_INSTANCE_ID");
        rest2.remove("BREAKGLASS_INSTANCE_ID");
        assertEquals(rest1, rest2);
        assertTrue(requiredFromEnvFile(env2, "BREAKGLASS_ENCRYPTION_KEY"), env2.toString());
        assertTrue(requiredFromEnvFile(env2, "BREAKGLASS_AUDIT_KEY"), "one audit key for every replica: " + env2);
        assertTrue(String.valueOf(env2.get("BREAKGLASS_DB_URL")).startsWith("jdbc:postgresql://db:5432/"),
                "the H2 file cannot be shared: " + env2.get("BREAKGLASS_DB_URL"));
        assertEquals("postgres", String.valueOf(map(services.get("db")).get("image")).split(":")[0]);
        assertEquals(map(map(bot.get("depends_on")).get("db")), map(map(second.get("depends_on")).get("db")));
        assertEquals("service_healthy", map(map(second.get("depends_on")).get("db")).get("condition"));

        @SuppressWarnings("unchecked")
        List<String> volumes1 = (List<String>) bot.get("volumes");
        @SuppressWarnings("unchecked")
        List<String> volumes2 = (List<String>) second.get("volumes");
        String policyMount = "./breakglass.yml:" + env2.get("BREAKGLASS_POLICY") + ":ro";
        assertTrue(volumes1.contains(policyMount) && volumes2.contains(policyMount), volumes2.toString());
        Set<String> dataVolumes = new TreeSet<>();
        Stream.concat(volumes1.stream(), volumes2.stream()).filter(v -> v.endsWith(":/app/data"))
                .forEach(dataVolumes::add);
        assertEquals(2, dataVolumes.size(), "each replica its own data folder: " + dataVolumes);
        assertFalse(bot.get("ports").equals(second.get("ports")), "two host ports");
    }

    /** The bot service's environment mapping in deploy/docker-compose.yml. */
    private static Map<String, Object> botEnvironment() throws IOException {
        Map<String, Object> compose = yaml(repositoryRoot().resolve("deploy/docker-compose.yml"));
        return map(map(map(compose.get("services")).get("bot")).get("environment"));
    }

    /** {@code NAME: ${NAME:?message}}: taken from the environment or .env, and compose stops when it is unset or empty. */
    private static boolean requiredFromEnvFile(Map<String, Object> environment, String name) {
        Object value = environment.get(name);
        return value instanceof String s && s.matches("\\$\\{" + Pattern.quote(name) + ":\\?[^}]+}");
    }

    /** Every whole-value {@code ${NAME}} in a target's settings, however deep. */
    private static void collectReferences(Object value, Set<String> names) {
        if (value instanceof Map<?, ?> m) {
            m.values().forEach(v -> collectReferences(v, names));
        } else if (value instanceof List<?> l) {
            l.forEach(v -> collectReferences(v, names));
        } else if (value instanceof String s && ANY_REFERENCE.matcher(s).matches()) {
            names.add(s.substring(2, s.length() - 1));
        }
    }

    // ---- deploy/slack-app-manifest.json -------------------------------------------------------------------

    @Test
    void theManifestIsValidForSlack(@TempDir Path tmp) throws IOException {
        JsonSchema schema = slackManifestSchema(tmp);
        JsonNode manifest = JSON.readTree(repositoryRoot().resolve("deploy/slack-app-manifest.json").toFile());
        assertEquals(1, manifest.path("_metadata").path("major_version").asInt(),
                "a version 1 manifest: the samples hold the 1.0.0 schema only");
        Set<ValidationMessage> problems = schema.validate(manifest);
        assertEquals(Set.of(), messages(problems));
        // the schema states this rule with "regex", which no validator applies
        String colour = manifest.path("display_information").path("background_color").asText();
        assertTrue(colour.matches("^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$"), colour);
    }

    @Test
    void theManifestDeclaresWhatTheBotHandles() throws IOException {
        JsonNode manifest = JSON.readTree(repositoryRoot().resolve("deploy/slack-app-manifest.json").toFile());
        List<String> commands = new ArrayList<>();
        manifest.path("features").path("slash_commands").forEach(c -> commands.add(c.path("command").asText()));
        assertEquals(List.of("/breakglass"), commands);
        assertTrue(manifest.path("settings").path("interactivity").path("is_enabled").asBoolean(),
                "interactivity (buttons, modals) must be on");
        List<String> events = new ArrayList<>();
        manifest.path("settings").path("event_subscriptions").path("bot_events").forEach(e -> events.add(e.asText()));
        assertTrue(events.contains("app_home_opened"), events.toString());
        List<String> scopes = new ArrayList<>();
        manifest.path("oauth_config").path("scopes").path("bot").forEach(s -> scopes.add(s.asText()));
        assertTrue(scopes.contains("commands"), scopes.toString());
        // one endpoint for everything Slack sends
        for (JsonNode url : List.of(manifest.path("features").path("slash_commands").path(0).path("url"),
                manifest.path("settings").path("interactivity").path("request_url"),
                manifest.path("settings").path("event_subscriptions").path("request_url"))) {
            assertTrue(url.asText().endsWith("/slack/events"), url.toString());
        }
    }

    @Test
    void theValidatorIsReal(@TempDir Path tmp) throws IOException {
        JsonSchema schema = slackManifestSchema(tmp);
        JsonNode invalid = JSON.readTree(SlackSamples.require("manifest/manifest.invalid.v1.json").toFile());
        Set<String> problems = messages(schema.validate(invalid));
        assertFalse(problems.isEmpty(), "Slack's invalid example passed");
        assertTrue(problems.stream().anyMatch(p -> p.contains("bad_param")), problems.toString());

        JsonNode valid = JSON.readTree(
                SlackSamples.require("manifest/manifest.valid.v1.slash_interactivity_socket.json").toFile());
        assertEquals(Set.of(), messages(schema.validate(valid)), "Slack's valid example failed");

        JsonNode ours = JSON.readTree(repositoryRoot().resolve("deploy/slack-app-manifest.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) ours.path("features").path("slash_commands").path(0))
                .put("command", "breakglass");
        assertFalse(schema.validate(ours).isEmpty(), "a command without its slash passed");
    }

    /**
     * Slack's dispatcher schema ({@code manifest.schema.json}), its version-1 schema read from the samples folder
     * instead of GitHub. The samples hold no 2.0.0 schema: that branch of the dispatcher only applies to
     * {@code major_version: 2}, so it is served a schema nothing matches. Nothing is fetched from the network.
     */
    private static JsonSchema slackManifestSchema(Path tmp) throws IOException {
        Path dispatcher = SlackSamples.require("manifest/manifest.schema.json");
        Path v1 = SlackSamples.require("manifest/manifest.schema.1.0.0.json");
        Path v2 = Files.writeString(tmp.resolve("manifest.schema.2.0.0.json"), "{\"not\": {}}");
        // Slack's schema carries two keywords of its own, which validate nothing: declared so, not warned about
        JsonMetaSchema draft7 = JsonMetaSchema.builder(JsonMetaSchema.getV7())
                .keyword(new NonValidationKeyword("_note"))
                .keyword(new NonValidationKeyword("regex"))
                .build();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7, builder -> builder
                .metaSchema(draft7)
                .schemaMappers(mappers -> mappers.mappings(Map.of(
                        SCHEMA_BASE + "manifest.schema.1.0.0.json", v1.toUri().toString(),
                        SCHEMA_BASE + "manifest.schema.2.0.0.json", v2.toUri().toString()))));
        return factory.getSchema(SchemaLocation.of(dispatcher.toUri().toString()));
    }

    private static Set<String> messages(Set<ValidationMessage> problems) {
        return problems.stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertTrue(value instanceof Map, "expected a mapping, got " + value);
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file)));
    }
}

package dev.breakglass.bot.config;

import dev.breakglass.command.JustificationRules;
import dev.breakglass.policy.Channels;
import dev.breakglass.policy.EmergencyKind;
import dev.breakglass.policy.EmergencyPolicy;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.ReviewPolicy;
import dev.breakglass.policy.TargetPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyLoaderTest {
    private final PolicyLoader loader = new PolicyLoader();

    static Path resource(String name) {
        try {
            return Path.of(PolicyLoaderTest.class.getResource("/policy/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("test resource /policy/" + name + " is missing", e);
        }
    }

    private static List<Principal> ids(String... ids) {
        return Arrays.stream(ids).map(Principal::parse).toList();
    }

    @Test
    void demoPolicyLoads() {
        Policy p = loader.loadDemo();
        assertEquals(new Channels("C0APPROVALS", List.of("C0SECURITY", "C0MGMT")), p.channels());
        assertEquals(List.of("demo-db", "demo-ssh", "demo-payments"), p.targetNames());
        assertEquals(Set.of("sandbox"), p.adapters());

        TargetPolicy db = p.target("demo-db").orElseThrow();
        assertEquals(List.of("read-only", "admin"), db.roles());
        assertEquals(Optional.of("read-only"), db.defaultRole());
        // short, so a sandbox demo sees access end on its own within minutes
        assertEquals(Duration.ofMinutes(10), db.maxDuration());
        assertEquals(Duration.ofMinutes(2), db.defaultDuration());
        assertEquals(Duration.ofSeconds(30), db.minDuration());
        assertEquals(Duration.ofMinutes(1), p.warnBefore());
        assertEquals(Optional.of(new EmergencyPolicy(Duration.ofMinutes(2), Duration.ofMinutes(5))), db.emergency());

        Set<Principal> cast = Set.copyOf(ids("U0ALICE", "U0BOB", "U0CAROL", "U0DAVE", "S0ONCALL", "S0SRELEADS",
                "S0SECURITY"));
        for (TargetPolicy t : p.targets().values()) {
            assertEquals(ids("S0ONCALL"), t.requesters(), t.name());
            assertEquals(ids("S0SRELEADS", "U0CAROL"), t.approvers(), t.name());
            assertEquals(ids("S0SECURITY"), t.revokers(), t.name());
            assertEquals(ids("S0SECURITY"), t.reviewers(), t.name());
            Stream.of(t.requesters(), t.approvers(), t.revokers(), t.reviewers()).flatMap(List::stream)
                    .forEach(who -> assertTrue(cast.contains(who), t.name() + ": " + who + " is not a sandbox id"));
        }
        assertEquals(2, p.target("demo-payments").orElseThrow().approvals());
        assertEquals(Optional.empty(), p.target("demo-payments").orElseThrow().emergency());
        assertEquals(Optional.empty(), p.target("demo-payments").orElseThrow().defaultRole());
    }

    @Test
    void notifyTakesChannelIdsAndFilteredChannelsSideBySide() {
        Policy p = loader.parse("inline.yml", """
                channels:
                  approvals: C0APPROVALS
                  notify:
                    - C0SECURITY
                    - channel: C0MGMT
                      events: [emergency, revocation-failed]
                    - {channel: C0AUDIT}
                targets:
                  orders-db:
                    adapter: postgres
                    max-duration: 1h
                    approvers: [S0SRELEADS]
                """);
        assertEquals(List.of("C0SECURITY", "C0MGMT", "C0AUDIT"), p.channels().notifyChannels());
        List<dev.breakglass.policy.NotifyTarget> t = p.channels().notifyTargets();
        assertEquals(dev.breakglass.policy.NotifyTarget.all("C0SECURITY"), t.get(0));
        assertEquals(Set.of(dev.breakglass.policy.NotifyTarget.Event.EMERGENCY,
                dev.breakglass.policy.NotifyTarget.Event.REVOCATION_FAILED), t.get(1).events());
        assertFalse(t.get(1).accepts(dev.breakglass.policy.NotifyTarget.Event.REQUESTED));
        assertEquals(dev.breakglass.policy.NotifyTarget.all("C0AUDIT"), t.get(2), "events left out: every event");
    }

    @Test
    void checkpointsGoToTheSecurityChannelElseToEveryNotifyChannel() {
        String policy = """
                channels:
                  approvals: C0APPROVALS
                  notify: [C0SECURITY, C0MGMT]
                %s
                targets:
                  orders-db:
                    adapter: postgres
                    max-duration: 1h
                    approvers: [S0SRELEADS]
                """;
        assertEquals(List.of("C0AUDIT"), loader.parse("inline.yml", policy.formatted("  security: C0AUDIT"))
                .channels().checkpointChannels());
        assertEquals(List.of("C0SECURITY", "C0MGMT"), loader.parse("inline.yml", policy.formatted(""))
                .channels().checkpointChannels());
        PolicyException wrong = assertThrows(PolicyException.class,
                () -> loader.parse("inline.yml", policy.formatted("  security: '#audit'")));
        assertTrue(wrong.getMessage().contains("security"), wrong.getMessage());
        assertTrue(wrong.getMessage().contains("not a channel id"), wrong.getMessage());
    }

    @Test
    void designExampleLoads() {
        Policy p = loader.load(resource("design-example.yml"));
        assertEquals("C0APPROVALS", p.channels().approvals());
        assertEquals(List.of("C0SECURITY", "C0MGMT"), p.channels().notifyChannels());
        TargetPolicy t = p.target("orders-db").orElseThrow();
        assertEquals("Production orders database", t.description());
        assertEquals("postgres", t.adapter());
        assertEquals(List.of("read-only", "admin"), t.roles());
        assertEquals(Duration.ofHours(1), t.maxDuration());
        assertEquals(Duration.ofMinutes(30), t.defaultDuration());
        assertEquals(Duration.ofMinutes(1), t.minDuration());
        assertEquals(1, t.approvals());
        assertEquals(ids("S0ONCALL"), t.requesters());
        assertEquals(ids("S0SRELEADS", "U0SECLEAD"), t.approvers());
        assertEquals(ids("S0SECURITY"), t.revokers());
        assertEquals(ids("S0SECURITY"), t.reviewers());
        assertEquals(Optional.of(new EmergencyPolicy(Duration.ofMinutes(10), Duration.ofMinutes(30))), t.emergency());
        // bot-wide rules at their defaults
        assertEquals(JustificationRules.DEFAULT, p.justification());
        assertEquals(Duration.ofMinutes(30), p.pendingTimeout());
        assertEquals(1, p.revealLimit());
        assertEquals(Duration.ofMinutes(5), p.warnBefore());
        assertEquals(ReviewPolicy.DEFAULT, p.review());
    }

    @Test
    void settingsArePlainJavaValues() {
        Map<String, Object> s = loader.load(resource("design-example.yml")).target("orders-db").orElseThrow().settings();
        assertEquals(List.of("url", "admin-user", "admin-password", "port", "database", "ssl", "connect-timeout",
                "grant-options", "role-map", "comment"), List.copyOf(s.keySet()));
        assertEquals("jdbc:postgresql://orders-db.internal:5432/orders", s.get("url"));
        assertEquals("${ORDERS_DB_PASSWORD}", s.get("admin-password"), "environment references stay as written");
        assertEquals(5432, s.get("port"));
        assertEquals("5432", s.get("database"), "quoted numbers stay text");
        assertEquals(true, s.get("ssl"));
        assertEquals(2.5, s.get("connect-timeout"));
        assertEquals(List.of("NOINHERIT", "CONNECTION LIMIT 2"), s.get("grant-options"));
        assertEquals(Map.of("read-only", "pg_read_all_data", "admin", "orders_owner"), s.get("role-map"));
        assertTrue(s.containsKey("comment"));
        assertNull(s.get("comment"));
        assertInstanceOf(String.class, s.get("admin-user"));
    }

    @Test
    void everyTopLevelSettingIsRead() {
        Policy p = loader.parse("p.yml", """
                channels: {approvals: C0APPROVALS}
                justification: {min-length: 20, max-length: 500}
                pending-timeout: 45m
                reveal-limit: 3
                warn-before: 10m
                review: {remind-every: 12h, escalate-after: 2}
                targets:
                  db: {adapter: postgres, max-duration: 1h, approvers: [U0CAROL]}
                """);
        assertEquals(new JustificationRules(20, 500), p.justification());
        assertEquals(Duration.ofMinutes(45), p.pendingTimeout());
        assertEquals(3, p.revealLimit());
        assertEquals(Duration.ofMinutes(10), p.warnBefore());
        assertEquals(new ReviewPolicy(Duration.ofHours(12), 2, null), p.review());
        assertEquals(List.of(), p.channels().notifyChannels());
    }

    @Test
    void partialSectionsKeepTheirOtherDefaults() {
        Policy p = loader.parse("p.yml", """
                channels: {approvals: C0APPROVALS}
                justification: {max-length: 200}
                review: {escalate-after: 5}
                targets:
                  db: {adapter: postgres, max-duration: 1h, approvers: [U0CAROL]}
                """);
        assertEquals(new JustificationRules(10, 200), p.justification());
        assertEquals(new ReviewPolicy(Duration.ofHours(24), 5, null), p.review());
        assertEquals(ReviewPolicy.Required.ALWAYS, p.review().required());
    }

    @Test
    void reviewsMayBeRequiredOfEmergenciesOnly() {
        Policy p = loader.parse("p.yml", """
                channels: {approvals: C0APPROVALS}
                review: {required: emergency}
                targets:
                  db: {adapter: postgres, max-duration: 1h, approvers: [U0CAROL]}
                """);
        assertEquals(ReviewPolicy.Required.EMERGENCY, p.review().required());
        assertTrue(p.review().requires(true), "emergency grants always need the review");
        assertFalse(p.review().requires(false));
    }

    @Test
    void targetDefaults() {
        TargetPolicy t = loader.load(resource("valid-base.yml")).target("orders-db").orElseThrow();
        assertEquals("", t.description());
        assertEquals(Duration.ofMinutes(1), t.minDuration());
        assertEquals(Duration.ofMinutes(30), t.defaultDuration());
        assertEquals(1, t.approvals());
        assertEquals(List.of(Principal.ANYONE), t.requesters(), "no requesters: anyone may ask");
        assertEquals(List.of(), t.revokers());
        assertEquals(List.of(), t.reviewers());
        assertEquals(Optional.empty(), t.emergency());
        assertEquals(Map.of(), t.settings());
    }

    @Test
    void anyoneIsAQuotedStar() {
        TargetPolicy t = loader.parse("p.yml", """
                channels: {approvals: C0APPROVALS}
                targets:
                  db: {adapter: postgres, max-duration: 1h, requesters: ["*"], approvers: ['*']}
                """).target("db").orElseThrow();
        assertEquals(List.of(Principal.ANYONE), t.requesters());
        assertEquals(List.of(Principal.ANYONE), t.approvers());
    }

    @Test
    void aKeyWithNoValueIsAbsent() {
        TargetPolicy t = loader.parse("p.yml", """
                channels:
                  approvals: C0APPROVALS
                  notify:
                targets:
                  db:
                    adapter: postgres
                    description:
                    max-duration: 1h
                    approvers: [U0CAROL]
                    emergency:
                    settings:
                """).target("db").orElseThrow();
        assertEquals(Optional.empty(), t.emergency());
        assertEquals(Map.of(), t.settings());
        assertEquals("", t.description());
    }

    @Test
    void anchorsAliasesAndMergeKeys() {
        Policy p = loader.parse("p.yml", """
                x-defaults: &defaults
                  adapter: postgres
                  max-duration: 1h
                  approvers: &leads [S0SRELEADS, U0CAROL]
                channels: {approvals: C0APPROVALS}
                targets:
                  orders-db:
                    <<: *defaults
                    roles: [read-only]
                  billing-db:
                    <<: *defaults
                    max-duration: 2h
                  bastion:
                    adapter: ssh-cert
                    max-duration: 30m
                    approvers: *leads
                """);
        assertEquals(List.of("orders-db", "billing-db", "bastion"), p.targetNames());
        assertEquals("postgres", p.target("orders-db").orElseThrow().adapter());
        assertEquals(Duration.ofHours(1), p.target("orders-db").orElseThrow().maxDuration());
        assertEquals(Duration.ofHours(2), p.target("billing-db").orElseThrow().maxDuration(), "written keys win");
        assertEquals(ids("S0SRELEADS", "U0CAROL"), p.target("bastion").orElseThrow().approvers());
    }

    @Test
    void problemsInsideAMergedMappingNameTheirLine() {
        PolicyException e = assertThrows(PolicyException.class, () -> loader.parse("p.yml", """
                x-defaults: &defaults
                  adapter: postgres
                  max-duraton: 1h
                channels: {approvals: C0APPROVALS}
                targets:
                  orders-db:
                    <<: *defaults
                    approvers: [U0CAROL]
                """));
        assertEquals(3, e.line());
        assertEquals("targets.orders-db.max-duraton", e.field());
    }

    @Test
    void aMergeOfItselfIsRefused() {
        PolicyException e = assertThrows(PolicyException.class, () -> loader.parse("p.yml", """
                channels: {approvals: C0APPROVALS}
                targets:
                  orders-db: &self
                    adapter: postgres
                    <<: *self
                """));
        assertEquals("targets.orders-db.<<", e.field());
        assertEquals(5, e.line());
    }

    @Test
    void tooManyAliasesAreRefused() {
        StringBuilder yaml = new StringBuilder("channels: {approvals: C0APPROVALS}\nx-a0: &a0 [lol]\n");
        for (int i = 1; i <= 60; i++) {
            yaml.append("x-a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a")
                    .append(i - 1).append("]\n");
        }
        PolicyException e = assertThrows(PolicyException.class, () -> loader.parse("p.yml", yaml.toString()));
        assertTrue(e.problem().startsWith("cannot be read as YAML"), e.getMessage());
    }

    @Test
    void messageNamesFileLineAndField() {
        Path file = resource("bad-duration.yml");
        PolicyException e = assertThrows(PolicyException.class, () -> loader.load(file));
        assertEquals(file + " line 9: targets.orders-db.max-duration: \"2x\" is not a duration "
                + "(use a number followed by h, m or s, like 90s, 30m or 1h30m)", e.getMessage());
        assertEquals(file.toString(), e.file());
        assertEquals(9, e.line());
        assertEquals("targets.orders-db.max-duration", e.field());
    }

    @Test
    void namesTheFileAsGiven() {
        PolicyException e = assertThrows(PolicyException.class,
                () -> loader.parse("breakglass.yml", "channels: {approvals: C0APPROVALS}\ntargets: []\n"));
        assertTrue(e.getMessage().startsWith("breakglass.yml line 2: targets: expected a mapping"), e.getMessage());
    }

    @Test
    void missingFile(@TempDir Path dir) {
        Path file = dir.resolve("nope.yml");
        PolicyException e = assertThrows(PolicyException.class, () -> loader.load(file));
        assertEquals(file + ": does not exist", e.getMessage());
        assertEquals(0, e.line());
        assertEquals("", e.field());
    }

    @Test
    void directoryIsNotAFile(@TempDir Path dir) {
        PolicyException e = assertThrows(PolicyException.class, () -> loader.load(dir));
        assertEquals(dir + ": is a directory, not a policy file", e.getMessage());
    }

    @Test
    void notUtf8(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.yml");
        Files.write(file, "channels:\n  approvals: C0APPROVALS # caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        PolicyException e = assertThrows(PolicyException.class, () -> loader.load(file));
        assertEquals(file + ": is not UTF-8 text", e.getMessage());
    }

    @Test
    void byteOrderMarkIsSkipped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bom.yml");
        Files.writeString(file, "\uFEFF" + Files.readString(resource("valid-base.yml")));
        assertEquals(List.of("orders-db"), loader.load(file).targetNames());
    }

    @Test
    void windowsLineEndings() {
        PolicyException e = assertThrows(PolicyException.class, () -> loader.parse("p.yml",
                "channels:\r\n  approvals: C0APPROVALS\r\ntargets:\r\n  db:\r\n    adapter: pg\r\n    approvers: [U0CAROL]\r\n"));
        assertEquals(4, e.line());
        assertEquals("targets.db.max-duration", e.field());
    }

    @Test
    void yamlBooleansAndNumbersInSettings() {
        Map<String, Object> s = loader.parse("p.yml", """
                channels: {approvals: C0APPROVALS}
                targets:
                  db:
                    adapter: webhook
                    max-duration: 1h
                    approvers: [U0CAROL]
                    settings:
                      a: yes
                      b: off
                      c: 0x1F
                      d: 12345678901
                      e: 2024-01-01
                      f: "${WEBHOOK_SECRET}"
                      1: one
                """).target("db").orElseThrow().settings();
        assertEquals(true, s.get("a"));
        assertEquals(false, s.get("b"));
        assertEquals(31, s.get("c"));
        assertEquals(12345678901L, s.get("d"));
        assertEquals("2024-01-01", s.get("e"), "dates stay as written");
        assertEquals("${WEBHOOK_SECRET}", s.get("f"));
        assertEquals("one", s.get("1"), "keys are text as written");
    }

    @Test
    void policyNamesAreTextAsWritten() {
        Policy p = loader.parse("p.yml", """
                channels: {approvals: C0APPROVALS}
                targets:
                  2024: {adapter: postgres, max-duration: 1h, approvers: [U0CAROL], roles: [1, 2]}
                """);
        assertEquals(List.of("1", "2"), p.target("2024").orElseThrow().roles());
    }

    @Test
    void nearestKey() {
        List<String> known = PolicyReader.TARGET_KEYS;
        assertEquals(Optional.of("max-duration"), PolicyReader.nearest("max-duraton", known));
        assertEquals(Optional.of("max-duration"), PolicyReader.nearest("max_duration", known));
        assertEquals(Optional.of("max-duration"), PolicyReader.nearest("maxDuration", known));
        assertEquals(Optional.of("max-duration"), PolicyReader.nearest("Max-Duration", known));
        assertEquals(Optional.of("approvers"), PolicyReader.nearest("aprovers", known));
        assertEquals(Optional.of("requesters"), PolicyReader.nearest("requestors", known));
        assertEquals(Optional.of("reviewers"), PolicyReader.nearest("reveiwers", known));
        assertEquals(Optional.of("roles"), PolicyReader.nearest("role", known));
        assertEquals(Optional.empty(), PolicyReader.nearest("colour", known));
        assertEquals(Optional.empty(), PolicyReader.nearest("x", known));
    }

    @Test
    void loadsAResolvedSource(@TempDir Path dir) throws Exception {
        Files.copy(resource("valid-base.yml"), dir.resolve("breakglass.yml"));
        assertEquals(List.of("orders-db"), loader.load(PolicyLoader.resolve(Optional.empty(), dir)).targetNames());
        assertEquals(loader.loadDemo(), loader.load(PolicySource.demo()));
    }

    @Test
    void settingsAreUnmodifiable() {
        Map<String, Object> s = loader.load(resource("design-example.yml")).target("orders-db").orElseThrow().settings();
        assertThrows(UnsupportedOperationException.class, () -> s.put("x", 1));
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) s.get("grant-options")).clear());
        assertFalse(s.get("role-map") instanceof HashMap<?, ?>);
    }

    @Test
    void demoPolicyShipsTheFourEmergencyKinds() {
        Policy p = loader.loadDemo();
        assertEquals(List.of("outage", "breach", "security-patch", "identity-outage"),
                p.emergencies().stream().map(EmergencyKind::id).toList());
        assertEquals(List.of("Production outage", "Active breach or ransomware", "Critical security patch",
                "Identity provider or PAM failure"), p.emergencies().stream().map(EmergencyKind::title).toList());
        p.emergencies().forEach(k -> assertFalse(k.description().isEmpty(), k.id()));
        EmergencyKind outage = p.kind("outage").orElseThrow();
        assertEquals(Optional.of("https://incidents.example/INC-42"), outage.linkTo("INC-42"));
        assertFalse(outage.accepts(Optional.of("42")));
        assertEquals(List.of("demo-ssh"), p.kind("security-patch").orElseThrow().targets());
    }

    @Test
    void emergencyKindsAreReadWithEveryKey() {
        Policy p = loader.parse("p.yml", """
                channels: {approvals: C0APPROVALS}
                targets:
                  orders-db:
                    adapter: postgres
                    max-duration: 1h
                    approvals: 1
                    approvers: [S0SRELEADS]
                  bastion:
                    adapter: ssh-cert
                    max-duration: 1h
                    approvers: [U0CAROL]
                emergencies:
                  outage:
                    title: "  Production outage "
                    description: A customer-facing service is down.
                    targets: [orders-db]
                    requesters: [S0ONCALL, U0ALICE]
                    max-duration: 20m
                    approvals: 2
                    notify: [C0IR]
                    reference: INC-\\d+
                    link: https://incidents.example/{reference}
                  breach:
                    title: Active breach
                """);
        EmergencyKind outage = new EmergencyKind("outage", "Production outage", "A customer-facing service is down.",
                List.of("orders-db"), ids("S0ONCALL", "U0ALICE"), Optional.of(Duration.ofMinutes(20)),
                java.util.OptionalInt.of(2), List.of("C0IR"), Optional.of("INC-\\d+"),
                Optional.of("https://incidents.example/{reference}"));
        assertEquals(List.of(outage, new EmergencyKind("breach", "Active breach", null, null, null, null, null,
                null, null, null)), p.emergencies());
        assertEquals(2, outage.approvalsOn(p.target("orders-db").orElseThrow()));
    }

    @Test
    void aPolicyWithoutEmergenciesRequiresNoKind() {
        Policy p = loader.load(resource("valid-base.yml"));
        assertEquals(List.of(), p.emergencies());
        assertFalse(p.kindsRequired());
    }

    @Test
    void activityFlagsAreReadGloballyAndPerTarget() {
        Policy p = loader.parse("p.yml", """
                channels: {approvals: C0APPROVALS}
                activity:
                  flag: [DROP, TRUNCATE, rm -rf]
                targets:
                  orders-db:
                    adapter: postgres
                    max-duration: 1h
                    approvers: [U0CAROL]
                    activity: {flag: [ALTER ROLE]}
                  bastion:
                    adapter: ssh-cert
                    max-duration: 1h
                    approvers: [U0CAROL]
                """);
        assertEquals(List.of("DROP", "TRUNCATE", "rm -rf"), p.activity().flag());
        assertEquals(java.util.Map.of("orders-db", List.of("ALTER ROLE")), p.activity().targetFlag());
        assertEquals(java.util.Optional.of("ALTER ROLE"), p.activity().flagged("orders-db", "alter role x login"));
        assertEquals(java.util.Optional.empty(), p.activity().flagged("bastion", "alter role x login"));
    }

    @Test
    void activityFlagProblemsNameTheirLine() {
        PolicyException twice = assertThrows(PolicyException.class, () -> loader.parse("p.yml", """
                channels: {approvals: C0APPROVALS}
                targets:
                  orders-db:
                    adapter: postgres
                    max-duration: 1h
                    approvers: [U0CAROL]
                    activity:
                      flag:
                        - DROP
                        - drop
                """));
        assertEquals(10, twice.line());
        assertEquals("targets.orders-db.activity.flag[1]", twice.field());
        assertEquals("flag lists \"drop\" twice", twice.problem());

        PolicyException typo = assertThrows(PolicyException.class, () -> loader.parse("p.yml", """
                channels: {approvals: C0APPROVALS}
                activity: {flags: [DROP]}
                targets:
                  orders-db: {adapter: postgres, max-duration: 1h, approvers: [U0CAROL]}
                """));
        assertEquals(2, typo.line());
        assertTrue(typo.field().startsWith("activity.flags"), typo.field());

        PolicyException empty = assertThrows(PolicyException.class, () -> loader.parse("p.yml", """
                channels: {approvals: C0APPROVALS}
                activity:
                  flag: ["  "]
                targets:
                  orders-db: {adapter: postgres, max-duration: 1h, approvers: [U0CAROL]}
                """));
        assertEquals(3, empty.line());
        assertEquals("activity.flag[0]", empty.field());
    }
}

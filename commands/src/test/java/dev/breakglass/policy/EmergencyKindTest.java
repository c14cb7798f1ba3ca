package dev.breakglass.policy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmergencyKindTest {
    private static final Channels CHANNELS = new Channels("C0APPROVALS", List.of("C0SECURITY"));

    private static EmergencyKind kind(String id, List<String> targets, Duration max, Integer approvals,
                                      String reference, String link) {
        return new EmergencyKind(id, "Production outage", null, targets, null, Optional.ofNullable(max),
                approvals == null ? OptionalInt.empty() : OptionalInt.of(approvals), null,
                Optional.ofNullable(reference), Optional.ofNullable(link));
    }

    private static EmergencyKind plain(String id) {
        return kind(id, null, null, null, null, null);
    }

    private static Map<String, TargetPolicy> targets(TargetPolicy... targets) {
        Map<String, TargetPolicy> map = new LinkedHashMap<>();
        for (TargetPolicy t : targets) {
            map.put(t.name(), t);
        }
        return map;
    }

    private static final TargetPolicy ORDERS = TargetPolicy.builder("orders-db", "postgres", Duration.ofHours(1),
            List.of(Principal.parse("U0ALICE"), Principal.parse("U0BOB"))).minDuration(Duration.ofMinutes(10))
            .build();
    private static final TargetPolicy BASTION = TargetPolicy.builder("bastion", "ssh-cert", Duration.ofHours(2),
            List.of(Principal.parse("S0SRELEADS"))).approvals(2).build();

    @Test
    void defaultsMeanEveryTargetAndTheTargetsOwnRules() {
        EmergencyKind k = plain("outage");
        assertEquals("", k.description());
        assertEquals(List.of(), k.targets());
        assertEquals(List.of(), k.requesters());
        assertEquals(List.of(), k.notifyChannels());
        assertTrue(k.appliesTo("orders-db"));
        assertFalse(k.appliesTo(null));
        assertEquals(Duration.ofHours(1), k.maxDurationOn(ORDERS));
        assertEquals(2, k.approvalsOn(BASTION));
        assertTrue(k.accepts(Optional.empty()), "without a pattern a reference is optional");
        assertTrue(k.accepts(Optional.of("anything at all")));
        assertEquals(Optional.empty(), k.linkTo("INC-1"));
    }

    @Test
    void capsDurationAndReplacesApprovals() {
        EmergencyKind k = kind("breach", List.of("bastion"), Duration.ofMinutes(30), 1, null, null);
        assertTrue(k.appliesTo("bastion"));
        assertFalse(k.appliesTo("orders-db"));
        assertEquals(Duration.ofMinutes(30), k.maxDurationOn(BASTION));
        assertEquals(1, k.approvalsOn(BASTION), "lower than the target's is allowed");
        EmergencyKind longer = kind("long", null, Duration.ofHours(5), null, null, null);
        assertEquals(Duration.ofHours(1), longer.maxDurationOn(ORDERS), "a cap never lengthens the target's");
    }

    @Test
    void referenceMatchesAsAWholeAndLinksAreEncoded() {
        EmergencyKind k = kind("outage", null, null, null, "INC-\\d+|see [a-z]+",
                "https://incidents.example/{reference}");
        assertTrue(k.accepts(Optional.of("INC-42")));
        assertFalse(k.accepts(Optional.of("INC-42 and more")), "the whole reference must match");
        assertFalse(k.accepts(Optional.empty()), "with a pattern a reference is required");
        assertEquals(Optional.of("https://incidents.example/INC-42"), k.linkTo("INC-42"));
        assertEquals(Optional.of("https://incidents.example/see%20x"), k.linkTo("see x"));
    }

    @Test
    void refusesBadValuesNamingTheField() {
        record Case(List<String> field, String message, Runnable make) { }
        List<Case> cases = List.of(
                new Case(List.of(), "emergency id \"Outage\" must be a lower-case word",
                        () -> plain("Outage")),
                new Case(List.of("title"), "title is missing", () -> new EmergencyKind("outage", " ", null, null,
                        null, null, null, null, null, null)),
                new Case(List.of("title"), "title must be on one line", () -> new EmergencyKind("outage",
                        "a\nb", null, null, null, null, null, null, null, null)),
                new Case(List.of("approvals"), "approvals must be at least 1, not 0",
                        () -> kind("outage", null, null, 0, null, null)),
                new Case(List.of("max-duration"), "max-duration must be longer than zero",
                        () -> kind("outage", null, Duration.ZERO, null, null, null)),
                new Case(List.of("targets", "[1]"), "targets lists bastion twice",
                        () -> kind("outage", List.of("bastion", "bastion"), null, null, null, null)),
                new Case(List.of("notify", "[0]"), "\"#ir\" is not a channel id", () -> new EmergencyKind(
                        "outage", "Outage", null, null, null, null, null, List.of("#ir"), null, null)),
                new Case(List.of("reference"), "is not a valid regular expression: Unclosed group",
                        () -> kind("outage", null, null, null, "INC-(\\d+", null)),
                new Case(List.of("reference"), "matches an empty reference",
                        () -> kind("outage", null, null, null, "\\d*", null)),
                new Case(List.of("link"), "link has no {reference}",
                        () -> kind("outage", null, null, null, "INC-\\d+", "https://incidents.example/")),
                new Case(List.of("link"), "must be an https:// address",
                        () -> kind("outage", null, null, null, "INC-\\d+", "javascript:{reference}")),
                new Case(List.of("link"), "link needs a reference pattern",
                        () -> kind("outage", null, null, null, null, "https://incidents.example/{reference}")));
        for (Case c : cases) {
            InvalidPolicyException e = assertThrows(InvalidPolicyException.class, c.make()::run, c.message());
            assertEquals(c.field(), e.field(), e.getMessage());
            assertTrue(e.getMessage().contains(c.message()), e.getMessage());
        }
    }

    @Test
    void policyWithoutKindsNeedsNone() {
        Policy p = new Policy(CHANNELS, targets(ORDERS));
        assertEquals(List.of(), p.emergencies());
        assertFalse(p.kindsRequired());
        assertEquals(Optional.empty(), p.kind("outage"));
    }

    @Test
    void policyLooksKindsUpById() {
        Policy p = policy(List.of(plain("outage"), kind("breach", List.of("bastion"), null, null, null, null)));
        assertTrue(p.kindsRequired());
        assertEquals("breach", p.kind("breach").orElseThrow().id());
        assertEquals(Optional.empty(), p.kind("Breach"));
        assertEquals(Optional.empty(), p.kind(null));
    }

    @Test
    void policyRefusesKindsThatCannotWork() {
        assertRefused(List.of("emergencies", "outage"), "emergency outage is defined twice",
                List.of(plain("outage"), plain("outage")));
        assertRefused(List.of("emergencies", "outage", "targets", "[0]"),
                "emergency outage names target billing-db, which is not a target",
                List.of(kind("outage", List.of("billing-db"), null, null, null, null)));
        assertRefused(List.of("emergencies", "outage", "max-duration"),
                "emergency outage max-duration (5m) is shorter than the min-duration of target orders-db (10m): "
                        + "no request could fit",
                List.of(kind("outage", null, Duration.ofMinutes(5), null, null, null)));
        assertRefused(List.of("emergencies", "outage", "approvals"),
                "emergency outage approvals (3) is more than the 2 approvers of target orders-db: no such request "
                        + "could ever be approved",
                List.of(kind("outage", null, null, 3, null, null)));
        // the same kind limited to a target with a group of approvers is fine
        policy(List.of(kind("outage", List.of("bastion"), Duration.ofMinutes(5), 3, null, null)));
    }

    private static Policy policy(List<EmergencyKind> kinds) {
        return new Policy(CHANNELS, targets(ORDERS, BASTION), null, null, 1, null, null, 10, null, null, kinds);
    }

    private static void assertRefused(List<String> field, String message, List<EmergencyKind> kinds) {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> policy(kinds));
        assertEquals(field, e.field());
        assertEquals(message, e.getMessage());
    }
}

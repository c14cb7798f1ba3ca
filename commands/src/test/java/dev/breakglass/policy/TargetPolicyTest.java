package dev.breakglass.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetPolicyTest {
    private static final Principal ALICE = Principal.parse("U0ALICE");
    private static final Principal BOB = Principal.parse("U0BOB");
    private static final Principal CAROL = Principal.parse("U0CAROL");
    private static final Principal LEADS = Principal.parse("S0SRELEADS");

    private static TargetPolicy.Builder target() {
        return TargetPolicy.builder("orders-db", "postgres", Duration.ofHours(1), List.of(LEADS));
    }

    private static InvalidPolicyException refused(Executable build) {
        return assertThrows(InvalidPolicyException.class, build);
    }

    @Test
    void defaults() {
        TargetPolicy t = target().build();
        assertEquals("", t.description());
        assertEquals(List.of(), t.roles());
        assertEquals(Duration.ofMinutes(1), t.minDuration());
        assertEquals(Duration.ofMinutes(30), t.defaultDuration());
        assertEquals(Duration.ofHours(1), t.maxDuration());
        assertEquals(1, t.approvals());
        assertEquals(List.of(Principal.ANYONE), t.requesters());
        assertEquals(List.of(), t.revokers());
        assertEquals(List.of(), t.reviewers());
        assertEquals(Optional.empty(), t.emergency());
        assertEquals(Map.of(), t.settings());
    }

    @Test
    void nullOptionalIsEmpty() {
        TargetPolicy t = new TargetPolicy("x", null, "sandbox", null, null, null, Duration.ofHours(1), 1, null,
                List.of(LEADS), null, null, null, null);
        assertEquals(Optional.empty(), t.emergency());
    }

    @Test
    void defaultDurationIsCappedToMax() {
        TargetPolicy t = TargetPolicy.builder("x", "sandbox", Duration.ofMinutes(10), List.of(LEADS)).build();
        assertEquals(Duration.ofMinutes(10), t.defaultDuration());
    }

    @Test
    void defaultDurationIsRaisedToMin() {
        TargetPolicy t = target().minDuration(Duration.ofMinutes(45)).build();
        assertEquals(Duration.ofMinutes(45), t.defaultDuration());
    }

    @Test
    void defaultMinDurationIsCappedToMax() {
        TargetPolicy t = TargetPolicy.builder("x", "sandbox", Duration.ofSeconds(30), List.of(LEADS)).build();
        assertEquals(Duration.ofSeconds(30), t.minDuration());
        assertEquals(Duration.ofSeconds(30), t.defaultDuration());
    }

    @Test
    void minNotLongerThanMax() {
        InvalidPolicyException e = refused(() -> target().minDuration(Duration.ofHours(2)).build());
        assertEquals(List.of("min-duration"), e.field());
        assertEquals("min-duration (2h) is longer than max-duration (1h)", e.getMessage());
    }

    @Test
    void defaultNotLongerThanMax() {
        InvalidPolicyException e = refused(() -> target().defaultDuration(Duration.ofHours(2)).build());
        assertEquals(List.of("default-duration"), e.field());
        assertEquals("default-duration (2h) is longer than max-duration (1h)", e.getMessage());
    }

    @Test
    void defaultNotShorterThanMin() {
        InvalidPolicyException e = refused(() -> target().minDuration(Duration.ofMinutes(10))
                .defaultDuration(Duration.ofMinutes(5)).build());
        assertEquals(List.of("default-duration"), e.field());
        assertEquals("default-duration (5m) is shorter than min-duration (10m)", e.getMessage());
    }

    @Test
    void minEqualDefaultEqualMaxIsFine() {
        TargetPolicy t = target().minDuration(Duration.ofHours(1)).defaultDuration(Duration.ofHours(1)).build();
        assertTrue(t.allows(Duration.ofHours(1)));
        assertFalse(t.allows(Duration.ofMinutes(59)));
    }

    @Test
    void maxDurationIsRequired() {
        InvalidPolicyException e = refused(() -> TargetPolicy.builder("x", "sandbox", null, List.of(LEADS)).build());
        assertEquals(List.of("max-duration"), e.field());
        assertTrue(e.getMessage().startsWith("max-duration is missing"), e.getMessage());
    }

    @Test
    void durationsArePositive() {
        InvalidPolicyException e = refused(() -> TargetPolicy.builder("x", "sandbox", Duration.ZERO, List.of(LEADS)).build());
        assertEquals("max-duration must be longer than zero", e.getMessage());
        e = refused(() -> target().minDuration(Duration.ofMinutes(-5)).build());
        assertEquals(List.of("min-duration"), e.field());
        e = refused(() -> target().defaultDuration(Duration.ofMillis(1500)).build());
        assertEquals(List.of("default-duration"), e.field());
    }

    @Test
    void allows() {
        TargetPolicy t = target().build();
        assertTrue(t.allows(Duration.ofMinutes(1)));
        assertTrue(t.allows(Duration.ofHours(1)));
        assertFalse(t.allows(Duration.ofSeconds(59)));
        assertFalse(t.allows(Duration.ofMinutes(61)));
        assertFalse(t.allows(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders-db", "a", "db1", "1db", "Orders_DB.eu-1",
            "abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789abc"})
    void acceptsNames(String name) {
        assertEquals(name, TargetPolicy.builder(name, "sandbox", Duration.ofHours(1), List.of(LEADS)).build().name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-db", ".db", "_db", "orders db", "orders:db", "orders/db", "ördb",
            "abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789abcd"})
    void refusesNames(String name) {
        InvalidPolicyException e = refused(
                () -> TargetPolicy.builder(name, "sandbox", Duration.ofHours(1), List.of(LEADS)).build());
        assertEquals(List.of(), e.field());
        assertTrue(e.getMessage().startsWith("target name \"" + name + "\" may use only letters"), e.getMessage());
    }

    @Test
    void nameIsRequired() {
        refused(() -> TargetPolicy.builder(null, "sandbox", Duration.ofHours(1), List.of(LEADS)).build());
    }

    @Test
    void roles() {
        TargetPolicy t = target().roles("read-only", "admin").build();
        assertEquals(Optional.of("read-only"), t.defaultRole());
        assertTrue(t.hasRole("admin"));
        assertFalse(t.hasRole("Admin"));
        assertFalse(t.hasRole(null));
        assertEquals(Optional.empty(), target().build().defaultRole());
        assertFalse(target().build().hasRole("admin"));
    }

    @Test
    void rolesAreUnique() {
        InvalidPolicyException e = refused(() -> target().roles("admin", "read-only", "admin").build());
        assertEquals(List.of("roles", "[2]"), e.field());
        assertEquals("roles lists admin twice", e.getMessage());
    }

    @Test
    void roleSyntax() {
        InvalidPolicyException e = refused(() -> target().roles("read-only", "read write").build());
        assertEquals(List.of("roles", "[1]"), e.field());
        assertTrue(e.getMessage().startsWith("role \"read write\" may use only"), e.getMessage());
    }

    @Test
    void adapterIsRequired() {
        InvalidPolicyException e = refused(() -> TargetPolicy.builder("x", null, Duration.ofHours(1), List.of(LEADS)).build());
        assertEquals(List.of("adapter"), e.field());
        assertTrue(e.getMessage().startsWith("adapter is missing"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Postgres", "1pg", "-pg", "ssh cert", "pg:1"})
    void adapterSyntax(String adapter) {
        InvalidPolicyException e = refused(
                () -> TargetPolicy.builder("x", adapter, Duration.ofHours(1), List.of(LEADS)).build());
        assertEquals(List.of("adapter"), e.field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "ssh-cert", "acme.vault", "my_plugin2"})
    void adapterNames(String adapter) {
        assertEquals(adapter, TargetPolicy.builder("x", adapter, Duration.ofHours(1), List.of(LEADS)).build().adapter());
    }

    @Test
    void approvalsAtLeastOne() {
        InvalidPolicyException e = refused(() -> target().approvals(0).build());
        assertEquals(List.of("approvals"), e.field());
        assertEquals("approvals must be at least 1, not 0", e.getMessage());
    }

    @Test
    void approvalsReachableWhenOnlyUsersApprove() {
        assertEquals(2, TargetPolicy.builder("x", "sandbox", Duration.ofHours(1), List.of(ALICE, BOB))
                .approvals(2).build().approvals());
        InvalidPolicyException e = refused(
                () -> TargetPolicy.builder("x", "sandbox", Duration.ofHours(1), List.of(ALICE)).approvals(2).build());
        assertEquals(List.of("approvals"), e.field());
        assertEquals("approvals (2) is more than the 1 user listed in approvers: no request could ever be approved",
                e.getMessage());
        // with a group, the number of people is not known here
        assertEquals(5, TargetPolicy.builder("x", "sandbox", Duration.ofHours(1), List.of(ALICE, LEADS))
                .approvals(5).build().approvals());
    }

    @Test
    void approversAreRequired() {
        InvalidPolicyException e = refused(() -> TargetPolicy.builder("x", "sandbox", Duration.ofHours(1), null).build());
        assertEquals(List.of("approvers"), e.field());
        assertTrue(e.getMessage().startsWith("approvers is missing"), e.getMessage());
        e = refused(() -> TargetPolicy.builder("x", "sandbox", Duration.ofHours(1), List.of()).build());
        assertEquals(List.of("approvers"), e.field());
        assertTrue(e.getMessage().startsWith("approvers is empty"), e.getMessage());
    }

    @Test
    void emptyRequestersAreRefused() {
        InvalidPolicyException e = refused(() -> target().requesters().build());
        assertEquals(List.of("requesters"), e.field());
        assertTrue(e.getMessage().startsWith("requesters is empty"), e.getMessage());
    }

    @Test
    void listsHaveNoRepeats() {
        assertEquals(List.of("requesters", "[1]"), refused(() -> target().requesters(ALICE, ALICE).build()).field());
        assertEquals(List.of("approvers", "[1]"),
                refused(() -> TargetPolicy.builder("x", "sandbox", Duration.ofHours(1), List.of(LEADS, LEADS)).build()).field());
        assertEquals(List.of("revokers", "[1]"), refused(() -> target().revokers(CAROL, CAROL).build()).field());
        assertEquals(List.of("reviewers", "[1]"), refused(() -> target().reviewers(CAROL, CAROL).build()).field());
    }

    @Test
    void listsAreCopiedAndUnmodifiable() {
        List<Principal> approvers = new ArrayList<>(List.of(LEADS));
        TargetPolicy t = new TargetPolicy("x", null, "sandbox", null, null, null, Duration.ofHours(1), 1, null,
                approvers, null, null, Optional.empty(), null);
        approvers.add(ALICE);
        assertEquals(List.of(LEADS), t.approvers());
        assertThrows(UnsupportedOperationException.class, () -> t.approvers().add(ALICE));
        assertThrows(UnsupportedOperationException.class, () -> t.roles().add("x"));
    }

    @Test
    void emergencyWithinTheTargetsDurations() {
        TargetPolicy t = target().emergency(new EmergencyPolicy(Duration.ofMinutes(10), Duration.ofMinutes(30))).build();
        assertEquals(Duration.ofMinutes(30), t.emergency().orElseThrow().maxDuration());

        InvalidPolicyException e = refused(() -> target()
                .emergency(new EmergencyPolicy(Duration.ofMinutes(10), Duration.ofHours(2))).build());
        assertEquals(List.of("emergency", "max-duration"), e.field());
        assertEquals("emergency max-duration (2h) is longer than the target's max-duration (1h)", e.getMessage());

        e = refused(() -> target().minDuration(Duration.ofMinutes(20))
                .emergency(new EmergencyPolicy(Duration.ofMinutes(10), Duration.ofMinutes(15))).build());
        assertEquals(List.of("emergency", "max-duration"), e.field());
        assertEquals("emergency max-duration (15m) is shorter than the target's min-duration (20m)", e.getMessage());
    }

    @Test
    void settingsAreDeepCopiesAndUnmodifiable() {
        Map<String, Object> nested = new HashMap<>(Map.of("port", 5432));
        List<Object> hosts = new ArrayList<>(List.of("a", "b"));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("url", "jdbc:postgresql://db/orders");
        settings.put("password", "${ORDERS_DB_PASSWORD}");
        settings.put("nested", nested);
        settings.put("hosts", hosts);
        settings.put("tls", true);
        settings.put("optional", null);
        TargetPolicy t = target().settings(settings).build();
        nested.put("port", 1);
        hosts.add("c");
        assertEquals(List.of("url", "password", "nested", "hosts", "tls", "optional"), List.copyOf(t.settings().keySet()));
        assertEquals("${ORDERS_DB_PASSWORD}", t.settings().get("password"));
        assertEquals(Map.of("port", 5432), t.settings().get("nested"));
        assertEquals(List.of("a", "b"), t.settings().get("hosts"));
        assertNull(t.settings().get("optional"));
        assertThrows(UnsupportedOperationException.class, () -> t.settings().put("x", 1));
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) t.settings().get("nested");
        assertThrows(UnsupportedOperationException.class, () -> inner.put("x", 1));
    }

    @Test
    void settingsHoldOnlyPlainData() {
        InvalidPolicyException e = refused(() -> target().settings(Map.of("when", new java.util.Date())).build());
        assertEquals(List.of("settings"), e.field());
        assertTrue(e.getMessage().startsWith("settings.when holds a Date"), e.getMessage());
        Map<Object, Object> intKey = Map.of(1, "x");
        e = refused(() -> target().settings(Map.of("nested", intKey)).build());
        assertTrue(e.getMessage().startsWith("settings.nested has a key that is not text"), e.getMessage());
    }

    @Test
    void descriptionIsTrimmed() {
        assertEquals("Orders", target().description("  Orders \n").build().description());
    }
}

package dev.breakglass.policy;

import dev.breakglass.command.JustificationRules;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyTest {
    private static final Channels CHANNELS = new Channels("C0APPROVALS", List.of("C0SECURITY"));
    private static final List<Principal> LEADS = List.of(Principal.parse("S0SRELEADS"));

    private static TargetPolicy target(String name, String adapter) {
        return TargetPolicy.builder(name, adapter, Duration.ofHours(1), LEADS).build();
    }

    private static Map<String, TargetPolicy> targets(TargetPolicy... targets) {
        Map<String, TargetPolicy> map = new LinkedHashMap<>();
        for (TargetPolicy t : targets) {
            map.put(t.name(), t);
        }
        return map;
    }

    @Test
    void defaults() {
        Policy p = new Policy(CHANNELS, targets(target("db", "postgres")));
        assertSame(JustificationRules.DEFAULT, p.justification());
        assertEquals(Duration.ofMinutes(30), p.pendingTimeout());
        assertEquals(1, p.revealLimit());
        assertEquals(Duration.ofMinutes(5), p.warnBefore());
        assertSame(ReviewPolicy.DEFAULT, p.review());
    }

    @Test
    void keepsValues() {
        Policy p = new Policy(CHANNELS, targets(target("db", "postgres")), new JustificationRules(20, 500),
                Duration.ofMinutes(15), 3, Duration.ofMinutes(10), new ReviewPolicy(Duration.ofHours(8), 2, null));
        assertEquals(new JustificationRules(20, 500), p.justification());
        assertEquals(Duration.ofMinutes(15), p.pendingTimeout());
        assertEquals(3, p.revealLimit());
        assertEquals(Duration.ofMinutes(10), p.warnBefore());
        assertEquals(new ReviewPolicy(Duration.ofHours(8), 2, null), p.review());
    }

    @Test
    void lookups() {
        Policy p = new Policy(CHANNELS, targets(target("orders-db", "postgres"), target("bastion", "ssh-cert"),
                target("billing-db", "postgres")));
        assertEquals("bastion", p.target("bastion").orElseThrow().name());
        assertEquals(Optional.empty(), p.target("Bastion"));
        assertEquals(Optional.empty(), p.target("nope"));
        assertEquals(Optional.empty(), p.target(null));
        assertEquals(List.of("orders-db", "bastion", "billing-db"), p.targetNames());
        assertEquals(List.of("postgres", "ssh-cert"), List.copyOf(p.adapters()));
    }

    @Test
    void targetsAreCopiedAndUnmodifiable() {
        Map<String, TargetPolicy> source = targets(target("db", "postgres"));
        Policy p = new Policy(CHANNELS, source);
        source.put("other", target("other", "postgres"));
        assertEquals(Set.of("db"), p.targets().keySet());
        assertThrows(UnsupportedOperationException.class, () -> p.targets().put("x", target("x", "postgres")));
    }

    @Test
    void channelsAreRequired() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> new Policy(null, targets(target("db", "postgres"))));
        assertEquals(List.of("channels"), e.field());
    }

    @Test
    void atLeastOneTarget() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> new Policy(CHANNELS, Map.of()));
        assertEquals(List.of("targets"), e.field());
        assertEquals("targets is empty: at least one target is needed", e.getMessage());
        assertThrows(InvalidPolicyException.class, () -> new Policy(CHANNELS, null));
    }

    @Test
    void keysAreTargetNames() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> new Policy(CHANNELS, Map.of("db", target("other", "postgres"))));
        assertEquals(List.of("targets", "db"), e.field());
    }

    @Test
    void namesDifferMoreThanInCase() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> new Policy(CHANNELS, targets(target("orders-db", "postgres"), target("Orders-DB", "postgres"))));
        assertEquals(List.of("targets", "Orders-DB"), e.field());
        assertEquals("target Orders-DB differs from target orders-db only in upper/lower case", e.getMessage());
    }

    @Test
    void revealLimitAtLeastOne() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> new Policy(CHANNELS, targets(target("db", "postgres")), null, null, 0, null, null));
        assertEquals(List.of("reveal-limit"), e.field());
        assertEquals("reveal-limit must be at least 1, not 0", e.getMessage());
    }

    @Test
    void timesArePositive() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> new Policy(CHANNELS, targets(target("db", "postgres")), null, Duration.ZERO, 1, null, null));
        assertEquals(List.of("pending-timeout"), e.field());
        e = assertThrows(InvalidPolicyException.class,
                () -> new Policy(CHANNELS, targets(target("db", "postgres")), null, null, 1, Duration.ofSeconds(-1), null));
        assertEquals(List.of("warn-before"), e.field());
    }

    @Test
    void emergencyComesBeforeTheTimeout() {
        TargetPolicy db = TargetPolicy.builder("db", "postgres", Duration.ofHours(1), LEADS)
                .emergency(new EmergencyPolicy(Duration.ofMinutes(30), Duration.ofMinutes(30))).build();
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> new Policy(CHANNELS, targets(db)));
        assertEquals(List.of("targets", "db", "emergency", "after"), e.field());
        assertTrue(e.getMessage().startsWith(
                "emergency after (30m) is not shorter than pending-timeout (30m)"), e.getMessage());
        Policy p = new Policy(CHANNELS, targets(db), null, Duration.ofMinutes(31), 1, null, null);
        assertEquals(Duration.ofMinutes(31), p.pendingTimeout());
    }
}

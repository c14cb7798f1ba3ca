package dev.breakglass.policy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ActivityPolicyTest {
    private final ActivityPolicy policy = new ActivityPolicy(List.of("DROP", "ALTER ROLE", "rm -rf", "kubectl delete"),
            Map.of("cluster", List.of("kubectl  exec")));

    @Test
    void phrasesMatchWholeWordsIgnoringCaseAndSpacing() {
        assertEquals(Optional.of("DROP"), policy.flagged("db", "drop table orders"));
        assertEquals(Optional.empty(), policy.flagged("db", "select dropped_rows from t"));
        assertEquals(Optional.of("ALTER ROLE"), policy.flagged("db", "alter\n   role x nologin"));
        assertEquals(Optional.of("rm -rf"), policy.flagged("host", "sudo rm -rf /var/tmp"));
        assertEquals(Optional.of("rm -rf"), policy.flagged("host", "rm -rf*"));
        assertEquals(Optional.empty(), policy.flagged("host", "rm -r dir"));
        assertEquals(Optional.empty(), policy.flagged("host", null));
    }

    @Test
    void aTargetsPatternsAddToTheGlobalOnes() {
        assertEquals(Optional.of("kubectl  exec"), policy.flagged("cluster", "kubectl exec -it pod"));
        assertEquals(Optional.of("kubectl delete"), policy.flagged("cluster", "kubectl delete pod x"));
        assertEquals(Optional.empty(), policy.flagged("db", "kubectl exec -it pod"));
    }

    @Test
    void refusesEmptyLongMultiLineAndRepeatedPatternsNamingTheField() {
        InvalidPolicyException empty = assertThrows(InvalidPolicyException.class,
                () -> new ActivityPolicy(List.of("DROP", " "), null));
        assertEquals(List.of("flag", "[1]"), empty.field());
        assertThrows(InvalidPolicyException.class, () -> new ActivityPolicy(List.of("x".repeat(101)), null));
        assertThrows(InvalidPolicyException.class, () -> new ActivityPolicy(List.of("a\nb"), null));
        InvalidPolicyException twice = assertThrows(InvalidPolicyException.class,
                () -> new ActivityPolicy(null, Map.of("db", List.of("rm -rf", "RM  -RF"))));
        assertEquals(List.of("targets", "db", "activity", "flag", "[1]"), twice.field());
        assertEquals("flag lists \"RM  -RF\" twice", twice.getMessage());
    }

    @Test
    void nullIsNothingFlagged() {
        ActivityPolicy none = new ActivityPolicy(null, null);
        assertEquals(ActivityPolicy.NONE, none);
        assertEquals(Optional.empty(), none.flagged("db", "DROP TABLE x"));
    }

    @Test
    void aPolicyRefusesFlagsForATargetItDoesNotHave() {
        TargetPolicy db = new TargetPolicy("db", null, "postgres", null, null, null, java.time.Duration.ofHours(1),
                1, null, List.of(Principal.parse("U0CAROL")), null, null, Optional.empty(), null, null);
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> new Policy(
                new Channels("C0APPROVALS", null, null), Map.of("db", db), null, null, 1, null, null, 10, null,
                new ActivityPolicy(null, Map.of("dbx", List.of("DROP")))));
        assertEquals(List.of("targets", "dbx", "activity"), e.field());
    }
}

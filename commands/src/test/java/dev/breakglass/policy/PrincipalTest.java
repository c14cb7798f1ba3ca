package dev.breakglass.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrincipalTest {

    @Test
    void parsesUserIds() {
        assertEquals(new Principal.UserId("U0ALICE"), Principal.parse("U0ALICE"));
        assertEquals(new Principal.UserId("W012AB3CD"), Principal.parse("W012AB3CD"));
    }

    @Test
    void parsesUserGroupIds() {
        assertEquals(new Principal.UserGroupId("S0ONCALL"), Principal.parse("S0ONCALL"));
    }

    @Test
    void parsesAnyone() {
        assertSame(Principal.ANYONE, Principal.parse("*"));
        assertEquals(Principal.ANYONE, new Principal.Anyone());
    }

    @Test
    void textIsAsWrittenInTheFile() {
        assertEquals("U0ALICE", Principal.parse("U0ALICE").text());
        assertEquals("S0ONCALL", Principal.parse("S0ONCALL").toString());
        assertEquals("*", Principal.ANYONE.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "C0CHANNEL", "U", "S", "U0 ALICE", " U0ALICE", "U0ALICE ", "**", "U0-ALICE",
            "U0123456789012345678901234567890123"})
    void refusesWhatIsNotAnId(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Principal.parse(text));
        assertTrue(e.getMessage().contains("\"" + text + "\" is not a user id (U…/W…), user group id (S…) or \"*\""),
                e.getMessage());
    }

    @Test
    void refusesEmpty() {
        assertThrows(IllegalArgumentException.class, () -> Principal.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Principal.parse(null));
    }

    @Test
    void saysIdsAreUpperCase() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Principal.parse("u0alice"));
        assertEquals("\"u0alice\" is not an id: Slack ids are upper case (U0ALICE)", e.getMessage());
    }

    @Test
    void saysMentionsAreNotIds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Principal.parse("@alice"));
        assertTrue(e.getMessage().startsWith("\"@alice\" is a mention, not an id"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Principal.parse("<@U0ALICE>"));
    }

    @Test
    void recordsCheckTheirOwnPrefix() {
        assertThrows(IllegalArgumentException.class, () -> new Principal.UserId("S0ONCALL"));
        assertThrows(IllegalArgumentException.class, () -> new Principal.UserGroupId("U0ALICE"));
        assertThrows(NullPointerException.class, () -> new Principal.UserId(null));
    }

    @Test
    void includes() {
        Set<String> groups = Set.of("S0ONCALL");
        assertTrue(Principal.parse("U0ALICE").includes("U0ALICE", groups));
        assertFalse(Principal.parse("U0ALICE").includes("U0BOB", groups));
        assertTrue(Principal.parse("S0ONCALL").includes("U0BOB", groups));
        assertFalse(Principal.parse("S0SECURITY").includes("U0BOB", groups));
        assertTrue(Principal.ANYONE.includes("U0BOB", Set.of()));
        assertFalse(Principal.ANYONE.includes("", Set.of()));
    }
}

package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.grant.GrantId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Role names, the comments that tie roles to grants, quoting, and passwords: pure functions. */
class GrantRolesTest {

    @Test
    void perGrantRolesAreNamedAfterTheGrantAndTheRequester() {
        assertEquals("bg_7_u0alice", GrantRoles.perGrantRole(new GrantId(7), "U0ALICE"));
        assertEquals("bg_7_u0_al_ce", GrantRoles.perGrantRole(new GrantId(7), "U0-Al\"ce"));
        assertEquals("bg_12", GrantRoles.perGrantRole(new GrantId(12), ""));
        String longest = GrantRoles.perGrantRole(new GrantId(123456789012345L), "W".repeat(80));
        assertEquals(63, longest.length());
        assertTrue(longest.startsWith("bg_123456789012345_www"), longest);
    }

    @Test
    void theCommentNamesTheHolder() {
        String comment = GrantRoles.holderComment(new GrantId(7), "U0ALICE", "orders-db",
                Instant.parse("2026-11-21T10:45:00.123Z"));

        assertEquals("breakglass BG-7 for U0ALICE on orders-db until 2026-11-21T10:45:00Z", comment);
        assertEquals(Optional.of(new GrantId(7)), GrantRoles.holder(comment));
        assertEquals(Optional.empty(), GrantRoles.holder(GrantRoles.idleComment(new GrantId(7), Instant.EPOCH)));
        assertEquals(Optional.empty(), GrantRoles.holder(null));
        assertEquals(Optional.empty(), GrantRoles.holder("made by hand for breakglass BG-7"));
        assertEquals(Optional.empty(), GrantRoles.holder("breakglass BG-70x"));
        assertEquals(Optional.of(new GrantId(70)), GrantRoles.holder("breakglass BG-70"));
    }

    @Test
    void quotingKeepsNamesAndTextInside() {
        assertEquals("\"Orders RW\"", Sql.identifier("Orders RW"));
        assertEquals("\"a\"\"; DROP ROLE x; --\"", Sql.identifier("a\"; DROP ROLE x; --"));
        assertEquals("E'it''s \\\\ fine'", Sql.literal("it's \\ fine"));
        assertEquals("'2026-11-21T10:45:00.123456Z'", Sql.timestamp(Instant.parse("2026-11-21T10:45:00.123456789Z")));
    }

    @Test
    void passwordsAreLongRandomAndOnlyTheirVerifierIsSent() {
        char[] a = Passwords.random();
        char[] b = Passwords.random();

        assertEquals(32, a.length);
        assertFalse(new String(a).equals(new String(b)));
        assertTrue(new String(a).matches("[A-Za-z0-9]{32}"));
        String before = new String(a);
        String verifier = Passwords.verifier(a);
        assertTrue(verifier.startsWith("SCRAM-SHA-256$4096:"), verifier);
        assertFalse(verifier.contains(before));
        assertEquals(before, new String(a), "hashing keeps the password to hand out (the driver wipes its input)");
    }

    @Test
    void serverReasonsNeverCarryAVerifier() {
        var e = new java.sql.SQLException("bad value SCRAM-SHA-256$4096:abc$def:ghi here", "22023");

        assertEquals("bad value (hidden) here", AdminSession.reason(e));
    }
}

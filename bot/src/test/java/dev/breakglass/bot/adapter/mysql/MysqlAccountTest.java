package dev.breakglass.bot.adapter.mysql;

import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantRequest;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Account names, handles and passwords, without a server. */
class MysqlAccountTest {

    private static GrantRequest request(long id, String slackId) {
        return new GrantRequest(new GrantId(id), "shop-db", Optional.empty(), slackId, Optional.empty(),
                Instant.parse("2026-11-21T10:45:00Z"), "INC-42");
    }

    @Test
    void theNameIsTheGrantAndTheSlackIdInLowerCase() {
        MysqlAccount a = MysqlAccount.of(new GrantId(7), "U0ALICE", "%");

        assertEquals("bg_7_u0alice", a.user());
        assertEquals("{\"user\":\"bg_7_u0alice\",\"host\":\"%\"}", a.handle());
        assertEquals("'bg_7_u0alice'@'%'", a.sql());
    }

    @Test
    void longSlackIdsAreCutToMysqlsLimitAndTheGrantNumberNever() {
        String cut = MysqlAccount.of(new GrantId(7), "W0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", "%").user();
        assertEquals("bg_7_w0123456789abcdefghijklmnop", cut);
        assertEquals(32, cut.length());
        String longest = MysqlAccount.of(new GrantId(999_999_999_999_999_999L), "U0ALICEANDBOB", "%").user();
        assertEquals("bg_999999999999999999_u0aliceand", longest);
        assertEquals(32, longest.length());
    }

    @Test
    void onlyLettersAndDigitsOfTheSlackIdAreKept() {
        assertEquals("bg_7_u0alice", MysqlAccount.of(new GrantId(7), "U0-AL'ICE\u00e9", "%").user());
        assertEquals("bg_7", MysqlAccount.of(new GrantId(7), "'; --", "%").user());
    }

    @Test
    void aStoredHandleIsReadBackAndAnEmptyOneMeansTheGrantsOwnAccount() {
        GrantRequest r = request(7, "U0ALICE");

        assertEquals(new MysqlAccount("bg_7_u0alice", "10.0.%"),
                MysqlAccount.fromHandle("{\"user\":\"bg_7_u0alice\",\"host\":\"10.0.%\"}", r, "%"));
        assertEquals(new MysqlAccount("bg_7_u0alice", "%"), MysqlAccount.fromHandle("{}", r, "%"));
        assertEquals(new MysqlAccount("bg_7_u0alice", "%"), MysqlAccount.fromHandle("", r, "%"));
        // A name from an older naming rule is fine as long as it is this grant's.
        assertEquals(new MysqlAccount("bg_7", "%"), MysqlAccount.fromHandle("{\"user\":\"bg_7\",\"host\":\"%\"}", r,
                "%"));
    }

    @Test
    void handlesThatAreNotThisGrantsAccountAreRefused() {
        GrantRequest r = request(7, "U0ALICE");

        assertEquals("the stored handle names the account of another grant", assertThrows(
                IllegalArgumentException.class, () -> MysqlAccount.fromHandle(
                        "{\"user\":\"bg_70_u0alice\",\"host\":\"%\"}", r, "%")).getMessage());
        for (String bad : new String[]{"{\"user\":\"root\",\"host\":\"%\"}",
                "{\"user\":\"bg_7_u0alice\",\"host\":\"%' OR '1\"}",
                "{\"user\":\"bg_7_U0ALICE\",\"host\":\"%\"}",
                "{\"user\":\"bg_7_u0alice\",\"host\":\"%\",\"extra\":1}",
                "{\"user\":\"bg_7_u0alice\",\"user\":\"root\",\"host\":\"%\"}",
                "{\"user\":7,\"host\":\"%\"}", "[]", "nope", "{} {}"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MysqlAccount.fromHandle(bad, r, "%"), bad);
            assertTrue(e.getMessage().startsWith("the stored handle "), e.getMessage());
        }
    }

    @RepeatedTest(20)
    void passwordsAreLongMixedAndSafeToQuote() {
        String p = new Passwords().get();

        assertEquals(32, p.length());
        assertTrue(p.matches("[A-Za-z][A-Za-z0-9._+-]{31}"), p);
        assertTrue(p.matches(".*[A-Z].*") && p.matches(".*[a-z].*") && p.matches(".*[0-9].*")
                && p.matches(".*[._+-].*"), p);
        assertEquals("'" + p + "'", MysqlSql.literal(p));
    }

    @Test
    void quotingRefusesAnythingOutsideTheWhitelist() {
        assertThrows(IllegalStateException.class, () -> MysqlSql.literal("a'b"));
        assertThrows(IllegalStateException.class, () -> MysqlSql.literal("a\\b"));
        assertThrows(IllegalStateException.class, () -> MysqlSql.identifier("a`b"));
        assertThrows(IllegalStateException.class, () -> MysqlSql.identifier("a.b"));
    }
}

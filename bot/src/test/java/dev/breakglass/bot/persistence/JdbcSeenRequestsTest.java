package dev.breakglass.bot.persistence;

import dev.breakglass.bot.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JdbcSeenRequests}: a signature answered once, and old signatures deleted now and then, not on every call. */
class JdbcSeenRequestsTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private final TestDatabase db = TestDatabase.h2();
    private final JdbcSeenRequests seen = new JdbcSeenRequests(db.dataSource());

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aSignatureIsAnsweredOnceAcrossInstancesOnOneDatabase() {
        assertTrue(seen.firstSighting("v0=aaa", T0));
        assertFalse(seen.firstSighting("v0=aaa", T0.plusSeconds(1)), "a repeat");
        assertFalse(new JdbcSeenRequests(db.dataSource()).firstSighting("v0=aaa", T0.plusSeconds(2)),
                "a repeat sent to another replica");
        assertTrue(seen.firstSighting("v0=bbb", T0.plusSeconds(2)));
    }

    @Test
    void oldSignaturesAreDeletedAtMostOnceEveryPurgeInterval() throws SQLException {
        seen.firstSighting("v0=old", T0);
        Instant purgedAt = T0.plus(JdbcSeenRequests.KEEP).minusSeconds(5);
        seen.firstSighting("v0=purging", purgedAt); // purges: nothing is old enough yet

        seen.firstSighting("v0=soon-after", purgedAt.plusSeconds(10));
        assertEquals(1, count("v0=old"), "older than KEEP now, but kept until the interval since the last purge passed");

        seen.firstSighting("v0=later", purgedAt.plus(JdbcSeenRequests.PURGE_EVERY));
        assertEquals(0, count("v0=old"), "deleted once the interval passed");
        assertEquals(3, count(null), "the recent ones stay");
    }

    private long count(String signature) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM slack_requests_seen"
                     + (signature == null ? "" : " WHERE signature = '" + signature + "'"))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

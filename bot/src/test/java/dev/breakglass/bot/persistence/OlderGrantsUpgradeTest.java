package dev.breakglass.bot.persistence;

import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database upgraded from a release before post-mortems (migration 8) does not open a post-mortem for every grant
 * that had already ended then; a grant that ended after post-mortems arrived, and whose post-mortem a stopped
 * process never opened, still gets its own. On H2 and on the real PostgreSQL.
 */
class OlderGrantsUpgradeTest {

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void grantsThatEndedBeforePostMortemsExistedGetNone(String kind) {
        try (TestDatabase db = kind.equals("h2") ? TestDatabase.emptyH2() : TestDatabase.emptyPostgres()) {
            db.migrateTo("7");
            db.execute(ended(1, "EXPIRED", "2026-01-10T10:00:00Z"), ended(2, "REVOKED", "2026-01-11T10:00:00Z"));
            db.migrateTo("8");
            // Ended after post-mortems existed; the process stopped before opening it (its ended_at is now + 1 h,
            // well after migration 8 was applied a moment ago).
            db.execute(ended(3, "EXPIRED", Instant.now().plusSeconds(3600).toString()));
            db.migrateTo(null);

            JdbcGrantStore store = db.grants();
            List<Long> due = store.findPostMortemsDue(Instant.now().plusSeconds(7200)).stream()
                    .map(g -> g.id().value()).toList();

            assertEquals(List.of(3L), due);
            Grant older = store.find(new GrantId(1)).orElseThrow();
            assertTrue(older.postMortem().predatesReviews());
            assertFalse(older.awaitsReview(), "no review is owed for it");
            assertTrue(store.find(new GrantId(3)).orElseThrow().awaitsReview());
        }
    }

    /** A grant row as releases up to migration 7 wrote it, ended at {@code at}. */
    private static String ended(long id, String state, String at) {
        return "INSERT INTO grants (id, version, state, requester, target, duration_s, justification, requested_at,"
                + " updated_at, ended_at) VALUES (" + id + ", 5, '" + state + "', 'U0ALICE', 'orders-db', 1800,"
                + " 'orders stuck, need to look', TIMESTAMP WITH TIME ZONE '" + at.replace("T", " ").replace("Z", "+00")
                + "', TIMESTAMP WITH TIME ZONE '" + at.replace("T", " ").replace("Z", "+00") + "',"
                + " TIMESTAMP WITH TIME ZONE '" + at.replace("T", " ").replace("Z", "+00") + "')";
    }
}

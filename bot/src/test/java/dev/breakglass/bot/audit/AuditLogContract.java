package dev.breakglass.bot.audit;

import dev.breakglass.bot.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit log's chain on a real database: it holds, and every kind of tampering is named. */
abstract class AuditLogContract {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00.123456789Z");
    private TestDatabase db;
    private JdbcAuditLog log;

    protected abstract TestDatabase openDatabase();

    @BeforeEach
    void open() {
        db = openDatabase();
        log = new JdbcAuditLog(db.dataSource());
        for (int i = 1; i <= 5; i++) {
            log.append(T0.plusSeconds(i), 7, i == 1 ? "Requested" : "Step" + i, "U0ALICE",
                    Map.of("justification", "naïve <!channel> \"quoted\" 🔥", "attempt", i, "ok", true));
        }
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void anUntouchedChainVerifiesAndReadsBackAsWritten() {
        assertEquals(Optional.empty(), log.verify());
        List<AuditEntry> entries = log.forGrant(7);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), entries.stream().map(AuditEntry::seq).toList());
        assertEquals(AuditChain.GENESIS, entries.get(0).prevHash());
        assertEquals(entries.get(0).hash(), entries.get(1).prevHash());
        assertEquals("naïve <!channel> \"quoted\" 🔥", entries.get(0).details().get("justification"));
        assertEquals(T0.plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.MICROS), entries.get(0).at());
    }

    @Test
    void aChangedEntryIsNamed() throws SQLException {
        sql("UPDATE audit_log SET actor = 'U0MALLORY' WHERE seq = 3");
        AuditChain.Break broken = log.verify().orElseThrow();
        assertEquals(3, broken.seq());
        assertEquals("BG-7", broken.grant());
        assertTrue(broken.problem().contains("changed"), broken.toString());
    }

    @Test
    void aDeletedEntryIsNamed() throws SQLException {
        sql("DELETE FROM audit_log WHERE seq = 2");
        assertEquals(3, log.verify().orElseThrow().seq());
    }

    @Test
    void anInsertedEntryIsNamedEvenWithAValidLookingHash() throws SQLException {
        // A forger recomputes a hash for a new entry after seq 5 but cannot make the head agree without the log.
        AuditEntry last = log.forGrant(7).get(4);
        String canonical = AuditChain.canonical(6, T0, 7, "Approved", "U0MALLORY", Map.of());
        sql("INSERT INTO audit_log VALUES (6, TIMESTAMP WITH TIME ZONE '2026-11-21 10:00:00+00', 7, 'Approved', "
                + "'U0MALLORY', '{}', '" + last.hash() + "', '" + AuditChain.hash(last.hash(), canonical) + "')");
        AuditChain.Break broken = log.verify().orElseThrow();
        assertTrue(broken.problem().contains("recorded entry 5 as its last") || broken.seq() == 6, broken.toString());
    }

    @Test
    void removedEntriesAtTheEndAreNamed() throws SQLException {
        sql("DELETE FROM audit_log WHERE seq >= 4");
        assertTrue(log.verify().orElseThrow().problem().contains("entries at the end were removed"));
    }

    @Test
    void concurrentAppendsFormOneChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<AuditEntry>> done = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            done.add(pool.submit(() -> log.append(Instant.now(), 100 + n % 7, "Concurrent", "system", Map.of("n", n))));
        }
        for (Future<AuditEntry> f : done) {
            f.get();
        }
        pool.shutdown();
        assertEquals(Optional.empty(), log.verify());
        List<Long> seqs = new ArrayList<>();
        log.each(e -> seqs.add(e.seq()));
        assertEquals(205, seqs.size());
        assertEquals(205L, seqs.get(seqs.size() - 1));
    }
}

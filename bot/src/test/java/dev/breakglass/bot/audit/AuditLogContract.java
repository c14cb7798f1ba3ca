package dev.breakglass.bot.audit;

import dev.breakglass.bot.config.AuditKey;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit log's chain on a real database: it holds, and every kind of tampering is named — including what a
 * database admin can do with plain SQL (cut the tail and reset the head, rewrite the chain without the key), which
 * only the key and a published checkpoint reveal.
 */
abstract class AuditLogContract {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00.123456789Z");
    private static final AuditKey KEY = AuditKey.random();
    private TestDatabase db;
    private JdbcAuditLog log;

    protected abstract TestDatabase openDatabase();

    @BeforeEach
    void open() {
        db = openDatabase();
        log = new JdbcAuditLog(db.dataSource(), KEY);
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

    // ---- what a database admin can do with plain SQL ------------------------------------------------------------

    /** Makes entry 2 Mallory's and relinks every entry with {@code link(prev, canonical)}, moving the head. */
    private void rewrite(java.util.function.BinaryOperator<String> link) throws SQLException {
        rewrite(link, true, Long.MAX_VALUE);
    }

    /** Relinks entries up to {@code last} with {@code link}, as plain SQL; moves the head when that is all of them. */
    private void rewrite(java.util.function.BinaryOperator<String> link, boolean tamper, long last)
            throws SQLException {
        List<AuditEntry> all = new ArrayList<>();
        log.each(e -> {
            if (e.seq() <= last) {
                all.add(e);
            }
        });
        String prev = AuditChain.GENESIS;
        try (Connection c = db.dataSource().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?")) {
            for (AuditEntry e : all) {
                // the forger also changes who did entry 2
                String actor = tamper && e.seq() == 2 ? "U0MALLORY" : e.actor();
                String hash = link.apply(prev, AuditChain.canonical(e.seq(), e.at(), e.grant(), e.type(), actor,
                        e.details()));
                ps.setString(1, actor);
                ps.setString(2, prev);
                ps.setString(3, hash);
                ps.setLong(4, e.seq());
                ps.executeUpdate();
                prev = hash;
            }
        }
        if (last == Long.MAX_VALUE) {
            sql("UPDATE audit_head SET hash = '" + prev + "' WHERE id = 1");
        }
    }

    private void cutAfter(long seq) throws SQLException {
        sql("DELETE FROM audit_log WHERE seq > " + seq);
        sql("UPDATE audit_head SET seq = " + seq + ", hash = (SELECT hash FROM audit_log WHERE seq = " + seq
                + ") WHERE id = 1");
    }

    @Test
    void theTailCutAndTheHeadResetIsCaughtByAPublishedCheckpoint() throws SQLException {
        Checkpoint published = Checkpoint.parse(log.checkpoint().orElseThrow().line());
        assertEquals(5, published.seq());
        assertEquals(Optional.empty(), log.verify(published));
        log.append(T0.plusSeconds(9), 8, "Requested", "U0BOB", Map.of());
        assertEquals(Optional.empty(), log.verify(published), "a log that grew still holds the checkpoint");

        cutAfter(3);
        // Without the checkpoint the cut is invisible: what remains is a valid keyed chain.
        assertEquals(Optional.empty(), log.verify());
        AuditChain.Break broken = log.verify(published).orElseThrow();
        assertEquals(5, broken.seq());
        assertTrue(broken.problem().contains("checkpoint recorded entry 5"), broken.toString());
    }

    @Test
    void aChainRewrittenWithoutTheKeyFailsEvenWithoutACheckpoint() throws SQLException {
        Checkpoint published = log.checkpoint().orElseThrow();
        rewrite(AuditChain::hash);
        AuditChain.Break broken = log.verify().orElseThrow();
        assertTrue(broken.problem().contains("no entry is keyed"), broken.toString());
        assertTrue(log.verify(published).isPresent());
    }

    @Test
    void aChainRewrittenWithAnotherKeyFails() throws SQLException {
        AuditKey forger = AuditKey.random();
        rewrite((prev, canonical) -> AuditChain.keyedHash(forger, prev, canonical));
        assertEquals(1, log.verify().orElseThrow().seq());
    }

    @Test
    void aChainRewrittenWithTheKeyStillMissesTheCheckpoint() throws SQLException {
        Checkpoint published = log.checkpoint().orElseThrow();
        rewrite((prev, canonical) -> AuditChain.keyedHash(KEY, prev, canonical));
        assertEquals(Optional.empty(), log.verify(), "the key holder can rewrite the log itself");
        AuditChain.Break broken = log.verify(published).orElseThrow();
        assertEquals(5, broken.seq());
        assertTrue(broken.problem().contains("rewritten"), broken.toString());
    }

    @Test
    void aCheckpointFromAnotherKeyOrChangedIsRefused() {
        Checkpoint real = log.checkpoint().orElseThrow();
        Checkpoint forged = Checkpoint.sign(AuditKey.random(), real.seq(), real.head());
        assertTrue(log.verify(forged).orElseThrow().problem().contains("signature does not match"));
        Checkpoint moved = new Checkpoint(real.seq() - 1, real.head(), real.signature());
        assertTrue(log.verify(moved).orElseThrow().problem().contains("signature does not match"));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.parse(real.line().replace("sig=", "sig=0")));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.parse("seq=5"));
        assertEquals(real, Checkpoint.parse("  `" + real.line() + "`\n"));
    }

    @Test
    void aPlainChainFromBeforeKeyingVerifiesUpToTheMarkerAndIsKeyedAfter() throws SQLException {
        // Back to the shape an older bot left: plain links and a head not yet keyed.
        rewrite(AuditChain::hash, false, Long.MAX_VALUE);
        sql("UPDATE audit_head SET keyed = FALSE WHERE id = 1");
        assertTrue(log.verify().isPresent(), "a log never keyed does not pass for a keyed one");

        log.ensureKeyed(T0.plusSeconds(10));
        log.ensureKeyed(T0.plusSeconds(11));
        AuditEntry next = log.append(T0.plusSeconds(12), 8, "Requested", "U0BOB", Map.of());
        List<AuditEntry> all = new ArrayList<>();
        log.each(all::add);
        assertEquals(7, all.size(), "one marker, however often keying is ensured");
        AuditEntry marker = all.get(5);
        assertEquals(AuditChain.KEYED_MARKER, marker.type());
        assertEquals(KEY.fingerprint(), marker.details().get("key"));
        assertEquals(AuditChain.keyedHash(KEY, marker.prevHash(), AuditChain.canonical(6, marker.at(), 0,
                marker.type(), marker.actor(), marker.details())), marker.hash());
        assertEquals(7, next.seq());
        assertEquals(Optional.empty(), log.verify());

        // The plain part is still protected: the marker's keyed link covers it.
        rewrite(AuditChain::hash, true, 5);
        assertEquals(6, log.verify().orElseThrow().seq());
    }
}

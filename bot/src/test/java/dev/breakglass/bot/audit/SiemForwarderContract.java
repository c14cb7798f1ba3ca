package dev.breakglass.bot.audit;

import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIEM forwarding through the outbox on a real database and a real HTTP receiver. */
abstract class SiemForwarderContract {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private TestDatabase db;
    private SiemReceiver siem;
    private final List<SiemForwarder> forwarders = new ArrayList<>();

    protected abstract TestDatabase openDatabase();

    @BeforeEach
    void open() {
        db = openDatabase();
        siem = new SiemReceiver();
    }

    @AfterEach
    void close() {
        forwarders.forEach(SiemForwarder::close);
        if (siem != null) {
            siem.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private SiemForwarder forwarder() {
        SiemForwarder f = new SiemForwarder(db.dataSource(), siem.url(), SiemReceiver.SECRET, Clock.systemUTC(),
                Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(5));
        forwarders.add(f);
        return f;
    }

    private List<AuditEntry> append(JdbcAuditLog log, int from, int to) {
        List<AuditEntry> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(log.append(Instant.now(), 7, "Step" + i, "U0ALICE", Map.of("n", i)));
        }
        return out;
    }

    private long outboxRows() {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM audit_outbox")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> lines(List<AuditEntry> entries) {
        return entries.stream().map(AuditChain::jsonLine).toList();
    }

    @Test
    void withoutForwardingNothingIsQueued() {
        append(new JdbcAuditLog(db.dataSource(), dev.breakglass.bot.config.AuditKey.random()), 1, 3);
        assertEquals(0, outboxRows());
    }

    @Test
    void everyEntryArrivesSignedInOrderDespiteFailures() {
        JdbcAuditLog log = new JdbcAuditLog(db.dataSource(), dev.breakglass.bot.config.AuditKey.random(), true);
        List<AuditEntry> written = append(log, 1, 10);
        assertEquals(10, outboxRows(), "queued in the append's transaction");
        siem.failNext(4);
        forwarder().start(Duration.ofMillis(10));
        RunningBot.await(WAIT, () -> siem.received().size() == 10, () -> "received " + siem.received().size());
        assertEquals(lines(written), siem.received());
        assertEquals(0, siem.badSignatures());
        assertEquals(14, siem.posts(), "4 failed posts, then each entry once");
        RunningBot.await(WAIT, () -> outboxRows() == 0, () -> "outbox rows left: " + outboxRows());
    }

    @Test
    void nothingIsLostAcrossARestartOfTheForwarder() throws Exception {
        JdbcAuditLog log = new JdbcAuditLog(db.dataSource(), dev.breakglass.bot.config.AuditKey.random(), true);
        List<AuditEntry> written = new ArrayList<>(append(log, 1, 3));
        siem.failNext(1_000_000);
        SiemForwarder first = forwarder();
        first.start(Duration.ofMillis(10));
        RunningBot.await(WAIT, () -> siem.posts() >= 3, () -> "posts " + siem.posts());
        first.close();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT attempts, last_error FROM audit_outbox WHERE seq = 1")) {
            assertTrue(rs.next());
            assertTrue(rs.getInt(1) >= 1);
            assertEquals("HTTP 503", rs.getString(2));
        }
        written.addAll(append(log, 4, 6));
        siem.failNext(0);
        assertEquals(List.of(), siem.received());
        forwarder().start(Duration.ofMillis(10));
        RunningBot.await(WAIT, () -> siem.received().size() == 6, () -> "received " + siem.received().size());
        assertEquals(lines(written), siem.received());
        // The row goes once the 2xx is back at the forwarder, a moment after the receiver saw the post.
        RunningBot.await(WAIT, () -> outboxRows() == 0, () -> "outbox rows left: " + outboxRows());
    }

    @Test
    void twoReplicasSendEachEntryOnceAndInOrder() throws Exception {
        JdbcAuditLog log = new JdbcAuditLog(db.dataSource(), dev.breakglass.bot.config.AuditKey.random(), true);
        siem.failNext(3);
        forwarder().start(Duration.ofMillis(5));
        forwarder().start(Duration.ofMillis(5));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<AuditEntry>> done = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int n = i;
            done.add(pool.submit(() -> log.append(Instant.now(), 100 + n % 3, "Concurrent", "system", Map.of("n", n))));
        }
        for (Future<AuditEntry> f : done) {
            f.get();
        }
        pool.shutdown();
        RunningBot.await(WAIT, () -> siem.received().size() >= 40, () -> "received " + siem.received().size());
        List<String> expected = new ArrayList<>();
        log.each(e -> expected.add(AuditChain.jsonLine(e)));
        assertEquals(expected, siem.received());
        RunningBot.await(WAIT, () -> outboxRows() == 0, () -> "outbox rows left: " + outboxRows());
    }

    @Test
    void aFailingEntryBacksOffUpToTheCap() {
        SiemForwarder f = forwarder();
        assertEquals(Duration.ofMillis(20), f.backoff(1));
        assertEquals(Duration.ofMillis(40), f.backoff(2));
        assertEquals(Duration.ofMillis(200), f.backoff(5));
        assertEquals(Duration.ofMillis(200), f.backoff(1000));
    }

    @Test
    void aBadSignatureIsRefusedByTheReceiverAndRetried() {
        JdbcAuditLog log = new JdbcAuditLog(db.dataSource(), dev.breakglass.bot.config.AuditKey.random(), true);
        append(log, 1, 1);
        SiemForwarder wrong = new SiemForwarder(db.dataSource(), siem.url(), "another-secret", Clock.systemUTC(),
                Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(5));
        forwarders.add(wrong);
        assertEquals(SiemForwarder.Outcome.FAILED, wrong.forwardOne());
        assertEquals(1, siem.badSignatures());
        assertEquals(1, outboxRows());
    }
}

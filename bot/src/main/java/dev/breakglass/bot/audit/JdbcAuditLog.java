package dev.breakglass.bot.audit;

import dev.breakglass.bot.json.JsonMappers;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.bot.config.AuditKey;
import dev.breakglass.bot.persistence.PersistenceException;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.AuditLog;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The audit log in the database, keyed with the {@link AuditKey} (see {@link AuditChain}). Appends run in one transaction that locks the head row
 * ({@code SELECT … FOR UPDATE}), so appends from any number of threads and replicas form one chain. Nothing
 * here updates or deletes an entry.
 *
 * <p>With SIEM forwarding on, each append also queues its seq in {@code audit_outbox} in the same transaction,
 * so an entry is either both logged and queued or neither ({@link SiemForwarder} sends and dequeues it).
 *
 * <p>Edge case: times are kept to the microsecond (what PostgreSQL stores), and hashed as kept, so a verify
 * after reading back computes the same hash.
 */
@Singleton
public class JdbcAuditLog implements AuditLog {
    private static final ObjectMapper JSON = JsonMappers.standard();
    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() { };
    private static final String COLUMNS = "seq, at, grant_id, type, actor, details, prev_hash, hash";

    private final DataSource dataSource;
    private final AuditKey key;
    private final boolean outbox;

    /** A log keyed with {@code key} that queues nothing for the SIEM. */
    public JdbcAuditLog(DataSource dataSource, AuditKey key) {
        this(dataSource, key, false);
    }

    /** A log keyed with {@code key} that, when {@code outbox} is true, queues every entry in {@code audit_outbox}. */
    public JdbcAuditLog(DataSource dataSource, AuditKey key, boolean outbox) {
        this.dataSource = dataSource;
        this.key = key;
        this.outbox = outbox;
    }

    @Inject
    public JdbcAuditLog(DataSource dataSource, AuditKey key, AuditSettings settings) {
        this(dataSource, key, settings.siemEnabled());
    }

    /** The head: the last entry's seq (0 for an empty log) and hash. */
    public record Head(long seq, String hash) {
    }

    /**
     * Appends one entry at the end of the chain, keyed, and returns it. When the log still ends in plain entries
     * (written before keying), the {@link AuditChain#KEYED_MARKER} marker is appended first, in the same transaction.
     */
    public AuditEntry append(Instant when, long grant, String type, String actor, Map<String, Object> details) {
        return inTransaction("could not append " + type + " of BG-" + grant + " to the audit log", when,
                (c, at, head) -> add(c, head, at, grant, type, actor, details));
    }

    /**
     * Appends the {@link AuditChain#KEYED_MARKER} marker when the log ends in plain entries; otherwise nothing. Run
     * at start, so a log begun before keying is keyed from then on even before the next event.
     */
    public void ensureKeyed(Instant when) {
        inTransaction("could not mark the audit log keyed", when, (c, at, head) -> null);
    }

    private interface Step<T> {
        T run(Connection c, Instant at, Head head) throws SQLException, IOException;
    }

    private <T> T inTransaction(String failure, Instant when, Step<T> step) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = locked(c, when, step);
                c.commit();
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | IOException e) {
            throw new PersistenceException(failure, e);
        }
    }

    /**
     * Appends one entry inside the caller's transaction on {@code c} (locking the head until the caller commits),
     * so the entry and whatever else the caller writes commit together or not at all.
     */
    public AuditEntry appendIn(Connection c, Instant when, long grant, String type, String actor,
                               Map<String, Object> details) throws SQLException {
        try {
            return locked(c, when, (conn, at, head) -> add(conn, head, at, grant, type, actor, details));
        } catch (IOException e) {
            throw new SQLException("could not write the details of " + type + " of BG-" + grant, e);
        }
    }

    /** Locks the head on {@code c}, keys the log if it is not yet, and runs {@code step} after the head. */
    private <T> T locked(Connection c, Instant when, Step<T> step) throws SQLException, IOException {
        Instant at = when.truncatedTo(ChronoUnit.MICROS);
        Head head;
        boolean keyed;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, hash, keyed FROM audit_head WHERE id = 1 FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new PersistenceException("the audit head row is missing", null);
            }
            head = new Head(rs.getLong(1), rs.getString(2));
            keyed = rs.getBoolean(3);
        }
        if (!keyed) {
            if (head.seq() > 0) {
                // The plain part ends here: the marker is keyed and names the key, so a reader sees when.
                AuditEntry marker = add(c, head, at, 0, AuditChain.KEYED_MARKER, AuditEntry.SYSTEM,
                        Map.of("key", key.fingerprint(), "plain_entries", head.seq()));
                head = new Head(marker.seq(), marker.hash());
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET keyed = TRUE WHERE id = 1")) {
                ps.executeUpdate();
            }
        }
        return step.run(c, at, head);
    }

    /** Inserts the entry after {@code head}, moves the head and queues it for the SIEM; inside the caller's lock. */
    private AuditEntry add(Connection c, Head head, Instant at, long grant, String type, String actor,
                           Map<String, Object> details) throws SQLException, IOException {
        long seq = head.seq() + 1;
        String prev = head.hash();
        String hash = AuditChain.keyedHash(key, prev, AuditChain.canonical(seq, at, grant, type, actor, details));
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit_log (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, seq);
            insert.setObject(2, at.atOffset(ZoneOffset.UTC));
            insert.setLong(3, grant);
            insert.setString(4, type);
            insert.setString(5, actor);
            insert.setString(6, JSON.writeValueAsString(details));
            insert.setString(7, prev);
            insert.setString(8, hash);
            insert.executeUpdate();
        }
        try (PreparedStatement move = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
            move.setLong(1, seq);
            move.setString(2, hash);
            move.executeUpdate();
        }
        if (outbox) {
            try (PreparedStatement queue = c.prepareStatement(
                    "INSERT INTO audit_outbox (seq, attempts, next_attempt_at) VALUES (?, 0, ?)")) {
                queue.setLong(1, seq);
                queue.setObject(2, at.atOffset(ZoneOffset.UTC));
                queue.executeUpdate();
            }
        }
        return new AuditEntry(seq, at, grant, type, actor, details, prev, hash);
    }

    /** The current head, as the log recorded it. */
    public Head head() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new PersistenceException("the audit head row is missing", null);
            }
            return new Head(rs.getLong(1), rs.getString(2));
        } catch (SQLException e) {
            throw new PersistenceException("could not read the audit head", e);
        }
    }

    /**
     * Records that a checkpoint for {@code seq} was published; false when one for {@code seq} or a later entry
     * already was (by this or another replica), so callers publish each head once.
     */
    public boolean checkpointPublished(long seq) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE audit_head SET checkpoint_seq = ? WHERE id = 1 AND checkpoint_seq < ?")) {
            ps.setLong(1, seq);
            ps.setLong(2, seq);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new PersistenceException("could not record the audit checkpoint", e);
        }
    }

    /** The seq of the last checkpoint published (0 for none). */
    public long lastCheckpoint() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT checkpoint_seq FROM audit_head WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new PersistenceException("could not read the audit head", e);
        }
    }

    /** A signed checkpoint of the current head; empty while the log is empty. */
    public Optional<Checkpoint> checkpoint() {
        Head head = head();
        return head.seq() == 0 ? Optional.empty() : Optional.of(Checkpoint.sign(key, head.seq(), head.hash()));
    }

    /** One grant's entries, oldest first. */
    public List<AuditEntry> forGrant(long grant) {
        List<AuditEntry> out = new ArrayList<>();
        query("SELECT " + COLUMNS + " FROM audit_log WHERE grant_id = ? ORDER BY seq", grant, out::add);
        return out;
    }

    /** The core's view of one grant's entries ({@link AuditLog}): when, what, who and the details. */
    @Override
    public List<AuditLog.Entry> timeline(GrantId grant) {
        return forGrant(grant.value()).stream().map(e -> new AuditLog.Entry(e.at(), e.type(), e.actor(), e.details()))
                .toList();
    }

    /** Every entry, oldest first, without holding them all in memory. */
    public void each(Consumer<AuditEntry> sink) {
        query("SELECT " + COLUMNS + " FROM audit_log ORDER BY seq", null, sink);
    }

    /** Recomputes the whole chain; the first broken link, or empty when it holds. */
    public Optional<AuditChain.Break> verify() {
        return verification().broken();
    }

    /** Recomputes the whole chain and checks it still holds {@code checkpoint}. */
    public Optional<AuditChain.Break> verify(Checkpoint checkpoint) {
        return verification(Optional.of(checkpoint)).broken();
    }

    /** The outcome of a full verify: how many entries were read, and the first broken link if any. */
    public record Verification(long entries, Optional<AuditChain.Break> broken) {
        public boolean ok() {
            return broken.isEmpty();
        }
    }

    /**
     * Recomputes the whole chain, like {@link #verify()}, and counts the entries read.
     *
     * <p>Edge case: the head and the entries are read in one repeatable-read transaction, so appends that land
     * while verifying are either wholly seen or not at all, never reported as a break.
     */
    public Verification verification() {
        return verification(Optional.empty());
    }

    /** {@link #verification()}, also checking the log still holds {@code checkpoint} (see {@link AuditChain#verify}). */
    public Verification verification(Optional<Checkpoint> checkpoint) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                long headSeq;
                String headHash;
                try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
                     ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new Verification(0, Optional.of(
                                new AuditChain.Break(0, "-", "-", "the audit head row is missing")));
                    }
                    headSeq = rs.getLong(1);
                    headHash = rs.getString(2);
                }
                List<AuditEntry> all = new ArrayList<>();
                query(c, "SELECT " + COLUMNS + " FROM audit_log ORDER BY seq", null, all::add);
                return new Verification(all.size(), AuditChain.verify(all, headSeq, headHash, key, checkpoint));
            } finally {
                c.rollback();
            }
        } catch (SQLException | IOException e) {
            throw new PersistenceException("could not read the audit log", e);
        }
    }

    /** One entry by its seq, read on the caller's connection (the forwarder's claiming transaction). */
    static Optional<AuditEntry> entry(Connection c, long seq) throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_log WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static AuditEntry read(ResultSet rs) throws SQLException, IOException {
        return new AuditEntry(rs.getLong("seq"), rs.getObject("at", OffsetDateTime.class).toInstant(),
                rs.getLong("grant_id"), rs.getString("type"), rs.getString("actor"),
                JSON.readValue(rs.getString("details"), DETAILS), rs.getString("prev_hash"), rs.getString("hash"));
    }

    private void query(String sql, Long grant, Consumer<AuditEntry> sink) {
        try (Connection c = dataSource.getConnection()) {
            query(c, sql, grant, sink);
        } catch (SQLException | IOException e) {
            throw new PersistenceException("could not read the audit log", e);
        }
    }

    private static void query(Connection c, String sql, Long grant, Consumer<AuditEntry> sink)
            throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (grant != null) {
                ps.setLong(1, grant);
            }
            ps.setFetchSize(500);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(read(rs));
                }
            }
        }
    }
}

package dev.breakglass.bot.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.bot.persistence.PersistenceException;
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
 * The audit log in the database. Appends run in one transaction that locks the head row
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
public class JdbcAuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() { };
    private static final String COLUMNS = "seq, at, grant_id, type, actor, details, prev_hash, hash";

    private final DataSource dataSource;
    private final boolean outbox;

    /** A log that queues nothing for the SIEM. */
    public JdbcAuditLog(DataSource dataSource) {
        this(dataSource, false);
    }

    /** A log that, when {@code outbox} is true, queues every appended entry in {@code audit_outbox}. */
    public JdbcAuditLog(DataSource dataSource, boolean outbox) {
        this.dataSource = dataSource;
        this.outbox = outbox;
    }

    @Inject
    public JdbcAuditLog(DataSource dataSource, AuditSettings settings) {
        this(dataSource, settings.siemEnabled());
    }

    /** Appends one entry at the end of the chain and returns it. */
    public AuditEntry append(Instant when, long grant, String type, String actor, Map<String, Object> details) {
        Instant at = when.truncatedTo(ChronoUnit.MICROS);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long seq;
                String prev;
                try (PreparedStatement head = c.prepareStatement(
                        "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
                     ResultSet rs = head.executeQuery()) {
                    if (!rs.next()) {
                        throw new PersistenceException("the audit head row is missing", null);
                    }
                    seq = rs.getLong(1) + 1;
                    prev = rs.getString(2);
                }
                String hash = AuditChain.hash(prev, AuditChain.canonical(seq, at, grant, type, actor, details));
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
                try (PreparedStatement move = c.prepareStatement(
                        "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
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
                c.commit();
                return new AuditEntry(seq, at, grant, type, actor, details, prev, hash);
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | IOException e) {
            throw new PersistenceException("could not append " + type + " of BG-" + grant + " to the audit log", e);
        }
    }

    /** One grant's entries, oldest first. */
    public List<AuditEntry> forGrant(long grant) {
        List<AuditEntry> out = new ArrayList<>();
        query("SELECT " + COLUMNS + " FROM audit_log WHERE grant_id = ? ORDER BY seq", grant, out::add);
        return out;
    }

    /** Every entry, oldest first, without holding them all in memory. */
    public void each(Consumer<AuditEntry> sink) {
        query("SELECT " + COLUMNS + " FROM audit_log ORDER BY seq", null, sink);
    }

    /** Recomputes the whole chain; the first broken link, or empty when it holds. */
    public Optional<AuditChain.Break> verify() {
        return verification().broken();
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
                return new Verification(all.size(), AuditChain.verify(all, headSeq, headHash));
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

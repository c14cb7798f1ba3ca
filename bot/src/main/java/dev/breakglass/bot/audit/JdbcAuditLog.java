package dev.breakglass.bot.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.bot.persistence.PersistenceException;
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
 * <p>Edge case: times are kept to the microsecond (what PostgreSQL stores), and hashed as kept, so a verify
 * after reading back computes the same hash.
 */
@Singleton
public class JdbcAuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() { };
    private static final String COLUMNS = "seq, at, grant_id, type, actor, details, prev_hash, hash";

    private final DataSource dataSource;

    public JdbcAuditLog(DataSource dataSource) {
        this.dataSource = dataSource;
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
        List<AuditEntry> all = new ArrayList<>();
        each(all::add);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT seq, hash FROM audit_head WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.of(new AuditChain.Break(0, "-", "-", "the audit head row is missing"));
            }
            return AuditChain.verify(all, rs.getLong(1), rs.getString(2));
        } catch (SQLException e) {
            throw new PersistenceException("could not read the audit head", e);
        }
    }

    private void query(String sql, Long grant, Consumer<AuditEntry> sink) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (grant != null) {
                ps.setLong(1, grant);
            }
            ps.setFetchSize(500);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new AuditEntry(rs.getLong("seq"),
                            rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getLong("grant_id"),
                            rs.getString("type"), rs.getString("actor"),
                            JSON.readValue(rs.getString("details"), DETAILS), rs.getString("prev_hash"),
                            rs.getString("hash")));
                }
            }
        } catch (SQLException | IOException e) {
            throw new PersistenceException("could not read the audit log", e);
        }
    }
}

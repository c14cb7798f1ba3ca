package dev.breakglass.bot.scheduling;

import dev.breakglass.bot.persistence.PersistenceException;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantScheduler.Due;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The grant timers' table ({@code grant_timers}, V18): one row per (grant, what is due), shared by every replica.
 *
 * <p>No cluster-wide lock anywhere. {@link #put} is one upsert. {@link #claim} takes due, unclaimed rows with
 * {@code SELECT … FOR UPDATE SKIP LOCKED} (PostgreSQL; H2 2.3 accepts it too) and marks them claimed for a lease,
 * in one short transaction: two pollers never take the same row, and rows another poller is claiming are skipped,
 * not waited for. {@link #finish} deletes a row only while it still has the claimed version.
 *
 * <p>Edge cases: scheduling a claimed timer again gives it a new version and clears the claim, so the new time is
 * kept however the running one ends (and may run beside it: the use cases are idempotent). Versions are random, not
 * counted, so a timer deleted and scheduled again never matches an old claim. A claim whose lease passed (its
 * process died) is taken again by the next poll. A row whose kind this release does not know (written by a newer
 * one) is left alone and never claimed.
 */
@Singleton
public class JdbcTimerStore {
    /** SQLSTATE of a unique-key violation, in PostgreSQL and in H2. */
    private static final String DUPLICATE_KEY = "23505";
    private static final String KNOWN_DUES = String.join(", ",
            java.util.Arrays.stream(Due.values()).map(d -> "'" + d.name() + "'").toList());

    private final DataSource dataSource;

    public JdbcTimerStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores {@code due} for {@code grant} at {@code dueAt}, replacing (and unclaiming) the one stored before. */
    public void put(GrantId grant, Due due, Instant dueAt) {
        long version = ThreadLocalRandom.current().nextLong();
        String merge = "MERGE INTO grant_timers t USING (VALUES (CAST(? AS BIGINT), CAST(? AS VARCHAR(20)),"
                + " CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS BIGINT))) AS v (grant_id, due, due_at, version)"
                + " ON t.grant_id = v.grant_id AND t.due = v.due"
                + " WHEN MATCHED THEN UPDATE SET due_at = v.due_at, version = v.version, claimed_by = NULL,"
                + " claimed_until = NULL"
                + " WHEN NOT MATCHED THEN INSERT (grant_id, due, due_at, version)"
                + " VALUES (v.grant_id, v.due, v.due_at, v.version)";
        try (Connection c = dataSource.getConnection()) {
            for (int attempt = 1; ; attempt++) {
                try (PreparedStatement ps = c.prepareStatement(merge)) {
                    ps.setLong(1, grant.value());
                    ps.setString(2, due.name());
                    ps.setObject(3, utc(dueAt));
                    ps.setLong(4, version);
                    ps.executeUpdate();
                    return;
                } catch (SQLException e) {
                    // Two replicas inserting the same new timer at once: the loser's MERGE now finds the row.
                    if (attempt >= 3 || !DUPLICATE_KEY.equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not store the " + due + " timer of " + grant, e);
        }
    }

    /**
     * Claims up to {@code max} timers due at {@code now} (oldest first) that nobody holds, for {@code lease}, as
     * {@code owner}.
     *
     * @return the claimed timers with their own due times and versions; empty when none is due or {@code max} is 0
     */
    public List<DueTimer> claim(String owner, Instant now, Duration lease, int max) {
        if (max <= 0) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                List<DueTimer> found = new ArrayList<>();
                try (PreparedStatement q = c.prepareStatement("SELECT grant_id, due, due_at, version FROM grant_timers"
                        + " WHERE due_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)"
                        + " AND due IN (" + KNOWN_DUES + ")"
                        + " ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED")) {
                    q.setObject(1, utc(now));
                    q.setObject(2, utc(now));
                    q.setInt(3, max);
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            found.add(timer(rs));
                        }
                    }
                }
                if (!found.isEmpty()) {
                    try (PreparedStatement u = c.prepareStatement("UPDATE grant_timers SET claimed_by = ?,"
                            + " claimed_until = ? WHERE grant_id = ? AND due = ? AND version = ?")) {
                        for (DueTimer t : found) {
                            u.setString(1, owner);
                            u.setObject(2, utc(now.plus(lease)));
                            u.setLong(3, t.grant().value());
                            u.setString(4, t.due().name());
                            u.setLong(5, t.version());
                            u.addBatch();
                        }
                        u.executeBatch();
                    }
                }
                c.commit();
                return found;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not claim due timers", e);
        }
    }

    /**
     * When the earliest timer nobody holds at {@code now} is due, so a poller can wake at that moment rather than at
     * its next interval: this is what keeps a revocation within milliseconds of its end when another replica
     * scheduled it. Timers of an unknown kind (a newer release's) are left out, as {@link #claim} leaves them.
     *
     * @return empty when no timer is stored, or every one is held
     */
    public Optional<Instant> nextDue(Instant now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("SELECT due_at FROM grant_timers"
                     + " WHERE (claimed_until IS NULL OR claimed_until <= ?) AND due IN (" + KNOWN_DUES + ")"
                     + " ORDER BY due_at LIMIT 1")) {
            q.setObject(1, utc(now));
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, OffsetDateTime.class).toInstant()) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not read when the next timer is due", e);
        }
    }

    /**
     * Deletes {@code timer} once its use case returned.
     *
     * @return false when it was scheduled again (or deleted) meanwhile: the newer timer stays
     */
    public boolean finish(DueTimer timer) {
        return update("DELETE FROM grant_timers WHERE grant_id = ? AND due = ? AND version = ?", timer) == 1;
    }

    /** Gives {@code timer} back unrun, so the next poll (of any replica) takes it at once. */
    public void release(DueTimer timer) {
        update("UPDATE grant_timers SET claimed_by = NULL, claimed_until = NULL"
                + " WHERE grant_id = ? AND due = ? AND version = ?", timer);
    }

    /**
     * Gives back every timer {@code owner} holds: a replica starting again under its stable id takes back at once
     * what it held when it died, instead of waiting for the lease.
     *
     * @return how many it gave back
     */
    public int releaseAll(String owner) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE grant_timers SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?")) {
            ps.setString(1, owner);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("could not give back the timers of " + owner, e);
        }
    }

    /** The stored timer {@code due} of {@code grant}, claimed or not. */
    public Optional<DueTimer> find(GrantId grant, Due due) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("SELECT grant_id, due, due_at, version FROM grant_timers"
                     + " WHERE grant_id = ? AND due = ?")) {
            q.setLong(1, grant.value());
            q.setString(2, due.name());
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(timer(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not read the " + due + " timer of " + grant, e);
        }
    }

    private int update(String sql, DueTimer timer) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, timer.grant().value());
            ps.setString(2, timer.due().name());
            ps.setLong(3, timer.version());
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("could not update the " + timer.due() + " timer of " + timer.grant(), e);
        }
    }

    private static DueTimer timer(ResultSet rs) throws SQLException {
        return new DueTimer(new GrantId(rs.getLong("grant_id")), Due.valueOf(rs.getString("due")),
                rs.getObject("due_at", OffsetDateTime.class).toInstant(), rs.getLong("version"));
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}

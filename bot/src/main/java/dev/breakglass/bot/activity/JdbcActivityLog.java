package dev.breakglass.bot.activity;

import dev.breakglass.activity.Activity;
import dev.breakglass.activity.ActivitySummary;
import dev.breakglass.activity.Completeness;
import dev.breakglass.bot.audit.AuditEntry;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.persistence.PersistenceException;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivityLog;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link ActivityLog} on the bot's database (tables {@code grant_activity} and {@code activity_positions},
 * V15), with an {@code ActivityRecorded} entry in the audit chain per row: its sequence number, kind, source,
 * completeness, flag phrase and the {@link Activity#digest()}, never the detail itself (the chain is forwarded to
 * a SIEM and printed by {@code audit export}; the digest proves the stored row unchanged). Rows, their audit
 * entries, the source's position and each row's place in the feed's outbox ({@code activity_unposted}, V16: what
 * {@link JdbcActivityFeed} has still to post in the grant's thread) are written in one transaction; a second replica racing to store the same
 * source's first position fails on the primary key and its rows roll back with it, so nothing is stored twice.
 */
@Singleton
public class JdbcActivityLog implements ActivityLog {
    static final String COLUMNS = "seq, grant_id, at, actor, action, detail, source, completeness, flag, "
            + "recorded_at";

    /** SQLSTATE of a unique-key violation, in PostgreSQL and in H2. */
    private static final String DUPLICATE_KEY = "23505";

    /** The audit entry type of one stored activity. */
    public static final String AUDIT_TYPE = "ActivityRecorded";

    private final DataSource dataSource;
    private final JdbcAuditLog audit;

    public JdbcActivityLog(DataSource dataSource, JdbcAuditLog audit) {
        this.dataSource = dataSource;
        this.audit = audit;
    }

    @Override
    public List<Recorded> append(GrantId grant, String source, List<Activity> activities, List<String> flags,
                                 Optional<String> position, Instant recordedAt) {
        return store(grant, activities, flags, recordedAt, c -> {
            if (position.isPresent()) {
                savePosition(c, grant, source, position.get());
            }
        });
    }

    @Override
    public List<Recorded> appendRead(GrantId grant, String source, Optional<String> from, String to,
                                     List<Activity> activities, List<String> flags, Instant recordedAt) {
        try {
            return store(grant, activities, flags, recordedAt, c -> movePosition(c, grant, source, from, to));
        } catch (PersistenceException e) {
            if (e.getCause() instanceof SQLException sql && DUPLICATE_KEY.equals(sql.getSQLState())) {
                throw new PositionMoved(grant, source); // another reader stored the first position
            }
            throw e;
        }
    }

    /** What is written with the rows, in their transaction. */
    @FunctionalInterface
    private interface Also {
        void in(Connection c) throws SQLException;
    }

    private List<Recorded> store(GrantId grant, List<Activity> activities, List<String> flags, Instant recordedAt,
                                 Also also) {
        if (activities.size() != flags.size()) {
            throw new IllegalArgumentException(activities.size() + " activities but " + flags.size() + " flags");
        }
        for (Activity a : activities) {
            if (!a.grant().equals(grant)) {
                throw new IllegalArgumentException("an activity of " + a.grant() + " cannot be stored under " + grant);
            }
        }
        String insert = "INSERT INTO grant_activity (grant_id, at, actor, action, detail, source, completeness, flag, "
                + "digest, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Recorded> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(insert, new String[] {"seq"});
                     PreparedStatement unposted = c.prepareStatement(
                             "INSERT INTO activity_unposted (seq, grant_id) VALUES (?, ?)")) {
                    for (int i = 0; i < activities.size(); i++) {
                        Activity a = activities.get(i);
                        ps.setLong(1, grant.value());
                        ps.setObject(2, a.at().atOffset(ZoneOffset.UTC));
                        ps.setString(3, a.actor());
                        ps.setString(4, a.action());
                        ps.setString(5, a.detail());
                        ps.setString(6, a.source());
                        ps.setString(7, a.completeness().name());
                        ps.setString(8, flags.get(i));
                        ps.setString(9, a.digest());
                        ps.setObject(10, recordedAt.atOffset(ZoneOffset.UTC));
                        ps.executeUpdate();
                        long seq;
                        try (ResultSet keys = ps.getGeneratedKeys()) {
                            keys.next();
                            seq = keys.getLong(1);
                        }
                        unposted.setLong(1, seq);
                        unposted.setLong(2, grant.value());
                        unposted.executeUpdate();
                        Recorded recorded = new Recorded(seq, a, Optional.ofNullable(flags.get(i)), recordedAt);
                        audit.appendIn(c, recordedAt, grant.value(), AUDIT_TYPE, AuditEntry.SYSTEM, details(recorded));
                        out.add(recorded);
                    }
                }
                also.in(c);
                c.commit();
                return List.copyOf(out);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not store the activity of " + grant, e);
        }
    }

    /** What the audit chain keeps of a stored activity: no detail, no actor text from the target. */
    private static Map<String, Object> details(Recorded r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("activity_seq", r.seq());
        d.put("action", r.activity().action());
        d.put("source", r.activity().source());
        d.put("completeness", r.activity().completeness().word());
        d.put("at", r.activity().at().toString());
        d.put("digest", r.activity().digest());
        r.flag().ifPresent(f -> d.put("flag", f));
        return d;
    }

    /** Moves the position from {@code from} to {@code to}, or throws {@link PositionMoved}. */
    private static void movePosition(Connection c, GrantId grant, String source, Optional<String> from, String to)
            throws SQLException {
        if (from.isEmpty()) {
            try (PreparedStatement in = c.prepareStatement(
                    "INSERT INTO activity_positions (grant_id, source, position) VALUES (?, ?, ?)")) {
                in.setLong(1, grant.value());
                in.setString(2, source);
                in.setString(3, to);
                in.executeUpdate();
            }
            return;
        }
        try (PreparedStatement up = c.prepareStatement(
                "UPDATE activity_positions SET position = ? WHERE grant_id = ? AND source = ? AND position = ?")) {
            up.setString(1, to);
            up.setLong(2, grant.value());
            up.setString(3, source);
            up.setString(4, from.get());
            if (up.executeUpdate() == 0) {
                throw new PositionMoved(grant, source);
            }
        }
    }

    private static void savePosition(Connection c, GrantId grant, String source, String position)
            throws SQLException {
        try (PreparedStatement up = c.prepareStatement(
                "UPDATE activity_positions SET position = ? WHERE grant_id = ? AND source = ?")) {
            up.setString(1, position);
            up.setLong(2, grant.value());
            up.setString(3, source);
            if (up.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement in = c.prepareStatement(
                "INSERT INTO activity_positions (grant_id, source, position) VALUES (?, ?, ?)")) {
            in.setLong(1, grant.value());
            in.setString(2, source);
            in.setString(3, position);
            in.executeUpdate();
        }
    }

    @Override
    public Optional<String> position(GrantId grant, String source) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT position FROM activity_positions WHERE grant_id = ? AND source = ?")) {
            ps.setLong(1, grant.value());
            ps.setString(2, source);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not read the activity position of " + grant, e);
        }
    }

    @Override
    public List<Recorded> of(GrantId grant) {
        return query("SELECT " + COLUMNS + " FROM grant_activity WHERE grant_id = ? ORDER BY seq", List.of(grant.value()),
                Integer.MAX_VALUE, "the activity of " + grant);
    }

    @Override
    public List<Recorded> of(GrantId grant, long after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return query("SELECT " + COLUMNS + " FROM grant_activity WHERE grant_id = ? AND seq > ? ORDER BY seq",
                List.of(grant.value(), after), limit, "the activity of " + grant);
    }

    /** How many activities, and how many flagged, each of {@code grants} has; grants without any are left out. */
    public Map<GrantId, ActivitySummary.Counts> counts(java.util.Collection<GrantId> grants) {
        Map<GrantId, ActivitySummary.Counts> out = new java.util.HashMap<>();
        if (grants.isEmpty()) {
            return out;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(grants.size(), "?"));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT grant_id, COUNT(*), COUNT(flag) FROM grant_activity WHERE grant_id IN (" + marks
                        + ") GROUP BY grant_id")) {
            int i = 1;
            for (GrantId g : grants) {
                ps.setLong(i++, g.value());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new GrantId(rs.getLong(1)), new ActivitySummary.Counts(rs.getInt(2), rs.getInt(3)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new PersistenceException("could not count activity", e);
        }
    }

    @Override
    public List<Recorded> after(long after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return query("SELECT " + COLUMNS + " FROM grant_activity WHERE seq > ? ORDER BY seq", List.of(after), limit,
                "activity");
    }

    /** Reads stored rows: {@code sql} selects {@link #COLUMNS} (prefixed {@code a.} when joined) with these numbers. */
    List<Recorded> query(String sql, List<Long> parameters, int limit, String what) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                ps.setLong(i + 1, parameters.get(i));
            }
            ps.setMaxRows(limit == Integer.MAX_VALUE ? 0 : limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<Recorded> out = new ArrayList<>();
                while (rs.next()) {
                    Activity a = new Activity(new GrantId(rs.getLong("grant_id")),
                            rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("actor"),
                            rs.getString("action"), rs.getString("detail"), rs.getString("source"),
                            Completeness.valueOf(rs.getString("completeness")));
                    out.add(new Recorded(rs.getLong("seq"), a, Optional.ofNullable(rs.getString("flag")),
                            rs.getObject("recorded_at", OffsetDateTime.class).toInstant()));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not read " + what, e);
        }
    }
}

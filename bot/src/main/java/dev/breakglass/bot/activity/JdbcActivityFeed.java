package dev.breakglass.bot.activity;

import dev.breakglass.bot.persistence.PersistenceException;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivityLog.Recorded;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the live feed has still to post in each grant's thread (V16): the rows not yet posted
 * ({@code activity_unposted}, written with each row by {@link JdbcActivityLog}) and the post under way
 * ({@code activity_feed_attempts}).
 *
 * <p>The order of a post, so that a crash loses nothing and a repeat can be found: {@link #begin} commits the attempt
 * (the rows up to a sequence number), the message goes out, then {@link #posted} deletes those rows from the outbox
 * and the attempt in one transaction. A process that died in between leaves the attempt, which the next post
 * {@link #attempt reads} to look for the message before posting it again. Rows committed late with a lower sequence
 * number than one already posted are still in the outbox and go out in the next post.
 */
@Singleton
public class JdbcActivityFeed {
    private final DataSource dataSource;
    private final JdbcActivityLog log;

    public JdbcActivityFeed(DataSource dataSource, JdbcActivityLog log) {
        this.dataSource = dataSource;
        this.log = log;
    }

    /** A post under way: the rows up to {@code lastSeq}, started at {@code startedAt}. */
    public record Attempt(long lastSeq, Instant startedAt) {
    }

    /** The grants with rows to post, the one with the oldest waiting row first. */
    public List<GrantId> waiting() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT grant_id, MIN(seq) AS first FROM activity_unposted GROUP BY grant_id ORDER BY first");
             ResultSet rs = ps.executeQuery()) {
            List<GrantId> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new GrantId(rs.getLong(1)));
            }
            return out;
        } catch (SQLException e) {
            throw new PersistenceException("could not read the activity feed's outbox", e);
        }
    }

    /** Up to {@code limit} of the grant's rows still to post, oldest first; at most up to {@code lastSeq}. */
    public List<Recorded> unposted(GrantId grant, long lastSeq, int limit) {
        return log.query("SELECT " + JdbcActivityLog.COLUMNS + " FROM grant_activity WHERE seq IN "
                        + "(SELECT seq FROM activity_unposted WHERE grant_id = ? AND seq <= ?) ORDER BY seq",
                List.of(grant.value(), lastSeq), limit, "the activity " + grant + " has still to post");
    }

    /** The post under way for {@code grant}, left by a process that did not finish it. */
    public Optional<Attempt> attempt(GrantId grant) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT last_seq, started_at FROM activity_feed_attempts WHERE grant_id = ?")) {
            ps.setLong(1, grant.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Attempt(rs.getLong(1),
                        rs.getObject(2, OffsetDateTime.class).toInstant())) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not read the activity post under way for " + grant, e);
        }
    }

    /** Commits that the rows of {@code grant} up to {@code lastSeq} are being posted (before the Slack call). */
    public void begin(GrantId grant, long lastSeq, Instant now) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement del = c.prepareStatement(
                        "DELETE FROM activity_feed_attempts WHERE grant_id = ?")) {
                    del.setLong(1, grant.value());
                    del.executeUpdate();
                }
                try (PreparedStatement in = c.prepareStatement(
                        "INSERT INTO activity_feed_attempts (grant_id, last_seq, started_at) VALUES (?, ?, ?)")) {
                    in.setLong(1, grant.value());
                    in.setLong(2, lastSeq);
                    in.setObject(3, now.atOffset(java.time.ZoneOffset.UTC));
                    in.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not mark the activity post of " + grant, e);
        }
    }

    /** The rows {@code seqs} of {@code grant} are in its thread: out of the outbox, with the attempt, at once. */
    public void posted(GrantId grant, List<Long> seqs) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM activity_unposted WHERE seq = ?")) {
                    for (long seq : seqs) {
                        del.setLong(1, seq);
                        del.addBatch();
                    }
                    del.executeBatch();
                }
                try (PreparedStatement del = c.prepareStatement(
                        "DELETE FROM activity_feed_attempts WHERE grant_id = ?")) {
                    del.setLong(1, grant.value());
                    del.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not mark the activity of " + grant + " posted", e);
        }
    }
}

package dev.breakglass.bot.scheduling;

import dev.breakglass.bot.persistence.PersistenceException;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantScheduler.Due;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves the grant timers an older release stored as Quartz jobs (group {@code grants}, named {@code BG-7-expire})
 * into {@code grant_timers}, keeping their due times, and deletes those jobs, so Quartz never meets a job class that
 * no longer exists. Runs at every start before Quartz starts; after the first it finds nothing.
 *
 * <p>Edge cases: a timer Quartz was running when its process died (a fired trigger, recovered by Quartz before)
 * becomes due now. Names that are not a grant timer's are dropped with a warning (the sweeper still catches any
 * overdue grant). Rows are copied before the jobs are deleted: a start that dies in between copies them again.
 */
@Singleton
public class QuartzTimersMove {
    private static final Logger LOG = LoggerFactory.getLogger(QuartzTimersMove.class);
    private static final Pattern NAME = Pattern.compile("BG-(\\d+)-([a-z_]+)");
    private static final String GROUP = "grants";

    private final DataSource dataSource;
    private final JdbcTimerStore timers;
    private final Clock machine;

    public QuartzTimersMove(DataSource dataSource, JdbcTimerStore timers) {
        this.dataSource = dataSource;
        this.timers = timers;
        this.machine = Clock.systemUTC();
    }

    /** @return how many timers it moved */
    public int run() {
        try (Connection c = dataSource.getConnection()) {
            Map<String, Instant> found = new LinkedHashMap<>();
            // Fired (running, or taken by a process that died): due now, as Quartz's recovery would have run them.
            read(c, "SELECT job_name, NULL FROM qrtz_fired_triggers WHERE sched_name = ? AND job_group = ?", found);
            read(c, "SELECT trigger_name, next_fire_time FROM qrtz_triggers WHERE sched_name = ? AND trigger_group = ?",
                    found);
            if (found.isEmpty()) {
                return 0;
            }
            int moved = 0;
            for (Map.Entry<String, Instant> e : found.entrySet()) {
                Matcher m = NAME.matcher(e.getKey());
                Due due = m.matches() ? due(m.group(2)) : null;
                if (due == null) {
                    LOG.warn("Dropping Quartz job {} of group {}: not a grant timer this release knows", e.getKey(),
                            GROUP);
                    continue;
                }
                timers.put(new GrantId(Long.parseLong(m.group(1))), due, e.getValue());
                moved++;
            }
            c.setAutoCommit(false);
            try {
                delete(c, "DELETE FROM qrtz_fired_triggers WHERE sched_name = ? AND (trigger_group = ? OR job_group = ?)");
                delete(c, "DELETE FROM qrtz_simple_triggers WHERE sched_name = ? AND trigger_group = ?");
                delete(c, "DELETE FROM qrtz_triggers WHERE sched_name = ? AND (trigger_group = ? OR job_group = ?)");
                delete(c, "DELETE FROM qrtz_job_details WHERE sched_name = ? AND job_group = ?");
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
            LOG.info("Moved {} grant timer(s) from Quartz to grant_timers", moved);
            return moved;
        } catch (SQLException e) {
            throw new PersistenceException("could not move the grant timers out of Quartz", e);
        }
    }

    private void read(Connection c, String sql, Map<String, Instant> into) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, QuartzFactory.SCHEDULER_NAME);
            ps.setString(2, GROUP);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long at = rs.getLong(2);
                    Instant when = rs.wasNull() ? machine.instant() : Instant.ofEpochMilli(at);
                    into.merge(rs.getString(1), when, (a, b) -> a.isBefore(b) ? a : b);
                }
            }
        }
    }

    private static void delete(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, QuartzFactory.SCHEDULER_NAME);
            long parameters = sql.chars().filter(ch -> ch == '?').count();
            for (int i = 2; i <= parameters; i++) {
                ps.setString(i, GROUP);
            }
            ps.executeUpdate();
        }
    }

    private static Due due(String name) {
        try {
            return Due.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

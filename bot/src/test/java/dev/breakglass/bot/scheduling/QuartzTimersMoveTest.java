package dev.breakglass.bot.scheduling;

import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantScheduler.Due;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upgrade from a release that kept grant timers as Quartz jobs: they become rows with their own due times, a job
 * Quartz was running when its process died is due now, the sweeper's job stays, and a second start moves nothing.
 */
class QuartzTimersMoveTest {
    private TestDatabase db;
    private JdbcTimerStore timers;

    @AfterEach
    void tearDown() {
        if (db != null) {
            db.close();
        }
    }

    private void quartzJob(String group, String name, String jobClass, long nextFire) {
        db.execute("INSERT INTO qrtz_job_details (sched_name, job_name, job_group, job_class_name, is_durable,"
                        + " is_nonconcurrent, is_update_data, requests_recovery) VALUES ('breakglass', '" + name + "', '"
                        + group + "', '" + jobClass + "', FALSE, TRUE, FALSE, TRUE)",
                "INSERT INTO qrtz_triggers (sched_name, trigger_name, trigger_group, job_name, job_group, next_fire_time,"
                        + " trigger_state, trigger_type, start_time) VALUES ('breakglass', '" + name + "', '" + group
                        + "', '" + name + "', '" + group + "', " + nextFire + ", 'WAITING', 'SIMPLE', " + nextFire + ")",
                "INSERT INTO qrtz_simple_triggers (sched_name, trigger_name, trigger_group, repeat_count,"
                        + " repeat_interval, times_triggered) VALUES ('breakglass', '" + name + "', '" + group
                        + "', 0, 0, 0)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void grantTimersStoredAsQuartzJobsBecomeRowsWithTheirDueTimes(String database) {
        db = "h2".equals(database) ? TestDatabase.h2() : TestDatabase.postgres();
        timers = new JdbcTimerStore(db.dataSource());
        long expireAt = Instant.parse("2030-01-01T10:00:00Z").toEpochMilli();
        quartzJob("grants", "BG-7-expire", "dev.breakglass.bot.scheduling.GrantDueJob", expireAt);
        quartzJob("grants", "BG-7-pending_timeout", "dev.breakglass.bot.scheduling.GrantDueJob", 1_000);
        quartzJob("maintenance", "sweep", "dev.breakglass.bot.scheduling.SweepJob", 2_000);
        // BG-9's provisioning was running when its process died: Quartz would have run it again.
        db.execute("INSERT INTO qrtz_job_details (sched_name, job_name, job_group, job_class_name, is_durable,"
                + " is_nonconcurrent, is_update_data, requests_recovery) VALUES ('breakglass', 'BG-9-provision',"
                + " 'grants', 'dev.breakglass.bot.scheduling.GrantDueJob', FALSE, TRUE, FALSE, TRUE)",
                "INSERT INTO qrtz_fired_triggers (sched_name, entry_id, trigger_name, trigger_group, instance_name,"
                + " fired_time, sched_time, priority, state, job_name, job_group, is_nonconcurrent, requests_recovery)"
                + " VALUES ('breakglass', 'e1', 'BG-9-provision', 'grants', 'dead', 1, 1, 5, 'EXECUTING',"
                + " 'BG-9-provision', 'grants', TRUE, TRUE)");
        Instant before = Instant.now();

        assertEquals(3, new QuartzTimersMove(db.dataSource(), timers).run());

        assertEquals(Instant.ofEpochMilli(expireAt), timers.find(new GrantId(7), Due.EXPIRE).orElseThrow().dueAt());
        assertEquals(Instant.ofEpochMilli(1_000),
                timers.find(new GrantId(7), Due.PENDING_TIMEOUT).orElseThrow().dueAt(), "late: due long ago");
        Optional<DueTimer> recovered = timers.find(new GrantId(9), Due.PROVISION);
        assertTrue(recovered.isPresent() && !recovered.get().dueAt().isBefore(before), "due now: " + recovered);
        assertEquals(0, count("SELECT COUNT(*) FROM qrtz_job_details WHERE job_group = 'grants'"));
        assertEquals(0, count("SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_group = 'grants'"));
        assertEquals(0, count("SELECT COUNT(*) FROM qrtz_fired_triggers"));
        assertEquals(1, count("SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_name = 'sweep'"), "the sweeper stays");

        assertEquals(0, new QuartzTimersMove(db.dataSource(), timers).run(), "a second start moves nothing");
        assertFalse(timers.find(new GrantId(8), Due.EXPIRE).isPresent());
    }

    private long count(String sql) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

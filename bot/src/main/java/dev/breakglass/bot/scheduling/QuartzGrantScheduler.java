package dev.breakglass.bot.scheduling;

import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantScheduler;
import jakarta.inject.Singleton;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * {@link GrantScheduler} on Quartz's JDBC job store: one job per (grant, what is due), carrying only the grant
 * id and the kind, stored in the database so it survives restarts. Scheduling the same thing again replaces the
 * earlier timer. A timer whose time passed while the bot was down fires as soon as it is back (misfire: fire now),
 * and a job interrupted by a crash runs again (requests recovery) — the use cases are idempotent.
 */
@Singleton
public class QuartzGrantScheduler implements GrantScheduler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QuartzGrantScheduler.class);
    static final String GROUP = "grants";
    static final String GRANT = "grant";
    static final String DUE = "due";

    private final Scheduler scheduler;
    private final Clock clock;

    public QuartzGrantScheduler(Scheduler scheduler, Clock clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @Override
    public void schedule(GrantId grant, Due due, Instant when) {
        JobKey key = new JobKey(grant + "-" + due.name().toLowerCase(), GROUP);
        JobDetail job = JobBuilder.newJob(GrantDueJob.class)
                .withIdentity(key)
                .usingJobData(GRANT, Long.toString(grant.value()))
                .usingJobData(DUE, due.name())
                .requestRecovery(true)
                .build();
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(key.getName(), GROUP)
                .startAt(quartzTime(when))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        try {
            scheduler.scheduleJob(job, Set.of(trigger), true);
        } catch (SchedulerException e) {
            LOG.error("Could not store the {} timer of {} (the sweeper will catch up): {}", due, grant, e.toString());
            throw new IllegalStateException("could not schedule " + due + " for " + grant, e);
        }
    }

    /**
     * Quartz fires by the system clock, the core decides by the application's {@link Clock}; the two agree in
     * production but not in a test that moves its clock. So a due time becomes a delay from the application's
     * now, started from Quartz's now. A time already past fires at once.
     */
    private Date quartzTime(Instant when) {
        long delay = Math.max(0, Duration.between(clock.instant(), when).toMillis());
        return new Date(System.currentTimeMillis() + delay);
    }
}

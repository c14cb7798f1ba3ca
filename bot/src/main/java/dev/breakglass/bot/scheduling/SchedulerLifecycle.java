package dev.breakglass.bot.scheduling;

import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import io.micronaut.context.annotation.Value;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;

/**
 * Starts Quartz (the sweeper and the activity poll) and the grant {@link TimerPoller} when the application has
 * started, and stops them on shutdown: the poller first (no new timers claimed), then Quartz, waiting for running
 * jobs so an in-flight revocation finishes (anything not started stays in the database for the next start).
 */
@Singleton
public class SchedulerLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerLifecycle.class);
    private static final JobKey SWEEP = new JobKey("sweep", "maintenance");
    private static final JobKey ACTIVITY = new JobKey("activity", "maintenance");

    private final Scheduler scheduler;
    private final TimerPoller timers;
    private final QuartzTimersMove move;
    private final Duration sweepEvery;
    private final Duration activityEvery;

    public SchedulerLifecycle(Scheduler scheduler, TimerPoller timers, QuartzTimersMove move,
                              @Value("${breakglass.sweep-interval:15s}") Duration sweepEvery,
                              @Value("${breakglass.activity.poll-interval:3s}") Duration activityEvery) {
        this.scheduler = scheduler;
        this.timers = timers;
        this.move = move;
        this.sweepEvery = sweepEvery;
        this.activityEvery = activityEvery;
    }

    @EventListener
    void onStartup(StartupEvent event) throws SchedulerException {
        // One sweeper and one activity poll for the whole cluster, stored like every other job; each start
        // refreshes their intervals.
        // Before Quartz starts: grant timers an older release stored as Quartz jobs become rows.
        move.run();
        repeat(SweepJob.class, SWEEP, sweepEvery);
        repeat(ActivityJob.class, ACTIVITY, activityEvery);
        scheduler.start();
        timers.start();
        LOG.info("Scheduler started (JDBC job store, clustered); sweeping every {} s, reading activity every {} ms",
                sweepEvery.toSeconds(), activityEvery.toMillis());
    }

    /**
     * Schedules {@code job} every {@code interval}, replacing what was stored unless it already repeats at that
     * interval. Not replaced needlessly: replacing the trigger while another replica runs the job clears Quartz's
     * block on a second run, and the activity poll must run one at a time in the cluster.
     */
    private void repeat(Class<? extends org.quartz.Job> job, JobKey key, Duration interval) throws SchedulerException {
        Trigger stored = scheduler.getTrigger(new org.quartz.TriggerKey(key.getName(), key.getGroup()));
        if (stored instanceof org.quartz.SimpleTrigger simple && simple.getRepeatInterval() == interval.toMillis()
                && scheduler.checkExists(key)) {
            return;
        }
        JobDetail detail = JobBuilder.newJob(job).withIdentity(key).storeDurably().build();
        Trigger every = TriggerBuilder.newTrigger().withIdentity(key.getName(), key.getGroup())
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(interval.toMillis()).repeatForever()
                        // after downtime, one run at once rather than one per missed interval
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .startNow().build();
        scheduler.scheduleJob(detail, Set.of(every), true);
    }

    /** True when jobs and grant timers can run. */
    public boolean running() {
        try {
            return timers.running() && scheduler.isStarted() && !scheduler.isInStandbyMode() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    @PreDestroy
    void stop() throws SchedulerException {
        timers.stop();
        if (!scheduler.isShutdown()) {
            scheduler.shutdown(true);
        }
    }
}

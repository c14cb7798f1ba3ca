package dev.breakglass.bot.scheduling;

import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Quartz when the application has started and stops it on shutdown, waiting for running jobs so an
 * in-flight revocation finishes (anything not started stays in the database for the next start).
 */
@Singleton
public class SchedulerLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerLifecycle.class);
    private final Scheduler scheduler;

    public SchedulerLifecycle(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @EventListener
    void onStartup(StartupEvent event) throws SchedulerException {
        scheduler.start();
        LOG.info("Scheduler started (JDBC job store)");
    }

    /** True when jobs can run. */
    public boolean running() {
        try {
            return scheduler.isStarted() && !scheduler.isInStandbyMode() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    @PreDestroy
    void stop() throws SchedulerException {
        if (!scheduler.isShutdown()) {
            scheduler.shutdown(true);
        }
    }
}

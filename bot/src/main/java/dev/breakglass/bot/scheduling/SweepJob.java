package dev.breakglass.bot.scheduling;

import dev.breakglass.grant.AccessService;
import dev.breakglass.grant.ReviewService;
import io.micronaut.context.annotation.Prototype;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every few seconds, catches what a timer missed: overdue access, due retries, abandoned revocations and
 * provisioning, expired requests ({@link AccessService#sweep(java.util.concurrent.Executor)}), post-mortems not
 * opened and overdue reminders ({@link ReviewService#sweep}). A Quartz job so that in a cluster one replica sweeps
 * at a time. The grants' actions run side by side on {@link GrantWork} and the job returns without waiting for
 * them, so one hanging target delays neither the other grants nor the next sweep (which skips grants still
 * claimed). A failing sweep is logged and the next one runs as usual.
 */
@Prototype
@DisallowConcurrentExecution
public class SweepJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(SweepJob.class);
    private final AccessService access;
    private final ReviewService reviews;
    private final GrantWork work;

    public SweepJob(AccessService access, ReviewService reviews, GrantWork work) {
        this.access = access;
        this.reviews = reviews;
        this.work = work;
    }

    @Override
    public void execute(JobExecutionContext context) {
        try {
            access.sweep(work).whenComplete((acted, failed) -> {
                if (failed != null) {
                    LOG.error("Sweep failed: {}", failed.toString());
                } else if (acted > 0) {
                    LOG.info("Sweep caught {} grant(s) a timer missed", acted);
                }
            });
            int reviewed = reviews.sweep();
            if (reviewed > 0) {
                LOG.info("Sweep caught {} post-mortem(s) a timer missed", reviewed);
            }
        } catch (RuntimeException e) {
            LOG.error("Sweep failed: {}", e.toString());
        }
    }
}

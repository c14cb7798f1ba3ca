package dev.breakglass.bot.scheduling;

import dev.breakglass.grant.GrantService;
import dev.breakglass.grant.ReviewService;
import io.micronaut.context.annotation.Prototype;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every few seconds, catches what a timer missed: overdue access, due retries, abandoned revocations, expired
 * requests ({@link GrantService#sweep}), post-mortems not opened and overdue reminders
 * ({@link ReviewService#sweep}). A Quartz job so that in a cluster one replica sweeps at a time; a failing
 * sweep is logged and the next one runs as usual.
 */
@Prototype
@DisallowConcurrentExecution
public class SweepJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(SweepJob.class);
    private final GrantService grants;
    private final ReviewService reviews;

    public SweepJob(GrantService grants, ReviewService reviews) {
        this.grants = grants;
        this.reviews = reviews;
    }

    @Override
    public void execute(JobExecutionContext context) {
        try {
            int acted = grants.sweep() + reviews.sweep();
            if (acted > 0) {
                LOG.info("Sweep caught {} grant(s) a timer missed", acted);
            }
        } catch (RuntimeException e) {
            LOG.error("Sweep failed: {}", e.toString());
        }
    }
}

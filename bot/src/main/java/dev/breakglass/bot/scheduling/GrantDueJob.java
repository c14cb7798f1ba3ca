package dev.breakglass.bot.scheduling;

import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantService;
import dev.breakglass.grant.ReviewService;
import dev.breakglass.grant.Outcome;
import dev.breakglass.port.GrantScheduler.Due;
import io.micronaut.context.annotation.Prototype;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A grant timer that came due: reads the grant id and the kind from the job data and calls the matching
 * idempotent use case. The database decides whether anything is still to do.
 */
@Prototype
@DisallowConcurrentExecution
public class GrantDueJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(GrantDueJob.class);
    private final GrantService grants;
    private final ReviewService reviews;

    public GrantDueJob(GrantService grants, ReviewService reviews) {
        this.grants = grants;
        this.reviews = reviews;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        JobDataMap data = context.getMergedJobDataMap();
        GrantId id = new GrantId(Long.parseLong(data.getString(QuartzGrantScheduler.GRANT)));
        Due due = Due.valueOf(data.getString(QuartzGrantScheduler.DUE));
        try {
            Outcome outcome = switch (due) {
                case PROVISION -> grants.provision(id);
                case PENDING_TIMEOUT -> grants.timeOut(id);
                case EMERGENCY_OFFER -> grants.offerEmergency(id);
                case WARN -> grants.warn(id);
                case EXPIRE -> grants.expire(id);
                case EXTEND -> grants.extendAtTarget(id);
                case REVOKE_RETRY -> grants.retryRevocation(id);
                case REVIEW -> reviews.followUp(id);
            };
            LOG.info("{} {}: {}", due, id, outcome.reply().plain());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed: {}", due, id, e.toString());
            throw new JobExecutionException(e);
        }
    }
}

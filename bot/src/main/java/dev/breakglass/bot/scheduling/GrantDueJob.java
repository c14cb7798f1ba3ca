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
 * A grant timer that came due: reads the grant id and the kind from the job data and hands the matching
 * idempotent use case to {@link GrantWork}, then returns, so no scheduler thread ever waits on a target. The
 * database decides whether anything is still to do; every use case claims the grant first (compare-and-set), so
 * a timer re-fired while its work still runs changes nothing. A failure is logged; the sweeper catches up.
 */
@Prototype
@DisallowConcurrentExecution
public class GrantDueJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(GrantDueJob.class);
    private final GrantService grants;
    private final ReviewService reviews;
    private final GrantWork work;

    public GrantDueJob(GrantService grants, ReviewService reviews, GrantWork work) {
        this.grants = grants;
        this.reviews = reviews;
        this.work = work;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        JobDataMap data = context.getMergedJobDataMap();
        GrantId id = new GrantId(Long.parseLong(data.getString(QuartzGrantScheduler.GRANT)));
        Due due = Due.valueOf(data.getString(QuartzGrantScheduler.DUE));
        try {
            work.execute(() -> run(id, due));
        } catch (RuntimeException e) {
            // Stopping: the work cannot start. The timer is not lost: the sweeper finds what is due.
            LOG.error("{} {} could not start: {}", due, id, e.toString());
            throw new JobExecutionException(e);
        }
    }

    private void run(GrantId id, Due due) {
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
        }
    }
}

package dev.breakglass.bot.scheduling;

import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.AccessService;
import dev.breakglass.grant.ExtensionService;
import dev.breakglass.grant.RequestService;
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
    private final RequestService requests;
    private final AccessService access;
    private final ExtensionService extensions;
    private final ReviewService reviews;
    private final GrantWork work;

    public GrantDueJob(RequestService requests, AccessService access, ExtensionService extensions,
                       ReviewService reviews, GrantWork work) {
        this.requests = requests;
        this.access = access;
        this.extensions = extensions;
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
                case PROVISION -> access.provision(id);
                case PENDING_TIMEOUT -> requests.timeOut(id);
                case EMERGENCY_OFFER -> requests.offerEmergency(id);
                case WARN -> access.warn(id);
                case EXPIRE -> access.expire(id);
                case EXTEND -> extensions.extendAtTarget(id);
                case REVOKE_RETRY -> access.retryRevocation(id);
                case REVIEW -> reviews.followUp(id);
            };
            LOG.info("{} {}: {}", due, id, outcome.reply().plain());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed: {}", due, id, e.toString());
        }
    }
}

package dev.breakglass.bot.scheduling;

import dev.breakglass.activity.ActivityService;
import dev.breakglass.bot.adapter.TargetCallLimits;
import dev.breakglass.bot.slack.outbound.ActivityFeed;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivityLog;
import dev.breakglass.port.TargetException;
import io.micronaut.context.annotation.Prototype;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every {@code breakglass.activity.poll-interval} (3 s): reads the activity of every watched grant
 * ({@link ActivityService#watched}: holding access, or ended within the grace window, on a target whose adapter
 * can watch it), then posts what is waiting in the grants' threads ({@link ActivityFeed#flush}).
 *
 * <p>One at a time in the whole cluster (a clustered Quartz job that disallows concurrent runs), so two replicas
 * never post the same rows. The reads run side by side on {@link GrantWork} and are waited for at most the target
 * call timeout, so a target that hangs delays neither the other grants nor the feed; a grant whose last read has not
 * returned is skipped until it does, and a late read that finds its page already stored stores nothing
 * ({@link ActivityLog.PositionMoved}). A source that fails keeps its position and is read again at the next poll.
 */
@Prototype
@DisallowConcurrentExecution
public class ActivityJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(ActivityJob.class);
    /** Grants whose read is still running (a hanging target), across runs of this job in this process. */
    private static final Set<GrantId> READING = ConcurrentHashMap.newKeySet();

    private final ActivityService activity;
    private final ActivityFeed feed;
    private final GrantWork work;
    private final TargetCallLimits limits;

    public ActivityJob(ActivityService activity, ActivityFeed feed, GrantWork work, TargetCallLimits limits) {
        this.activity = activity;
        this.feed = feed;
        this.work = work;
        this.limits = limits;
    }

    @Override
    public void execute(JobExecutionContext context) {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.error("Activity poll failed: {}", e.toString());
        }
        try {
            feed.flush();
        } catch (RuntimeException e) {
            LOG.error("Activity feed failed: {}", e.toString());
        }
    }

    private void poll() {
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        for (Grant g : activity.watched()) {
            if (!READING.add(g.id())) {
                continue;
            }
            reads.add(CompletableFuture.runAsync(() -> read(g), work)
                    .whenComplete((done, failed) -> READING.remove(g.id())));
        }
        try {
            CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                    .get(limits.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Some activity reads are still running after {}; the feed goes on without them",
                    limits.callTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("An activity read failed: {}", e.getCause().toString());
        }
    }

    private void read(Grant g) {
        try {
            int n = activity.poll(g).size();
            if (n > 0) {
                LOG.debug("Read {} activities of {}", n, g.id());
            }
        } catch (TargetException e) {
            LOG.warn("The activity of {} on {} was not read ({}); reading again at the next poll", g.id(),
                    g.target(), e.getMessage());
        } catch (ActivityLog.PositionMoved e) {
            LOG.debug("{}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("The activity of {} on {} was not stored ({}); reading again at the next poll", g.id(),
                    g.target(), e.toString());
        }
    }
}

package dev.breakglass.bot.scheduling;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where Quartz jobs hand their use case off to, so a scheduler thread is free again at once and a target that
 * hangs cannot hold the timers of other grants (or other targets) back.
 *
 * <p>Threads are made as needed and end after a minute idle. Not bounded here on purpose: what a piece of work can
 * wait for is bounded elsewhere — every adapter call by its target's bulkhead and deadline
 * ({@code breakglass.targets.concurrency}, {@code …call-timeout}), so work on a hanging target fails within the
 * call timeout instead of piling up. On shutdown running work gets a few seconds, then is interrupted; a
 * revocation cut short keeps its claim until the lease passes and is then taken over.
 */
@Singleton
public class GrantWork implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(GrantWork.class);
    private static final long GRACE_SECONDS = 5;
    private final ThreadPoolExecutor pool;

    public GrantWork() {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "breakglass-work-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable work) {
        pool.execute(work);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
            LOG.warn("Stopping with {} grant task(s) still running; interrupting them", pool.getActiveCount());
            pool.shutdownNow();
        }
    }
}

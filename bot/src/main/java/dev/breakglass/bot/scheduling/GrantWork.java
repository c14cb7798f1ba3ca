package dev.breakglass.bot.scheduling;

import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where timers, the sweeper and the activity poll hand their use cases off to, so the thread that found the work is
 * free again at once and a target that hangs cannot hold the work of other grants (or other targets) back.
 *
 * <p>At most {@code breakglass.work.threads} (default {@value #DEFAULT_THREADS}) pieces of work run at once; threads
 * end after a minute idle. Bounded so that a burst of due timers (hundreds of grants approved at once) cannot start
 * a thread per grant and exhaust the database pool and memory. Full means delay, never drop: {@link #execute} waits
 * for a free slot (the sweeper and the activity poll slow down), {@link #tryExecute} declines at once (the timer
 * poller then leaves the timer in the database for its next poll). What one piece of work can wait for is bounded
 * elsewhere — every adapter call by its target's bulkhead and deadline ({@code breakglass.targets.concurrency},
 * {@code …call-timeout}) — so a hanging target holds a slot for at most the call timeout.
 *
 * <p>Edge cases: work never submits work here and waits for it (it could wait for a slot it holds itself). On
 * shutdown running work gets a few seconds, then is interrupted; a revocation cut short keeps its claim until the
 * lease passes and is then taken over; {@link #execute} after shutdown throws {@link RejectedExecutionException}.
 */
@Singleton
public class GrantWork implements Executor {
    static final int DEFAULT_THREADS = 32;
    private static final Logger LOG = LoggerFactory.getLogger(GrantWork.class);
    private static final long GRACE_SECONDS = 5;
    private final ThreadPoolExecutor pool;
    private final Semaphore slots;

    @Inject
    public GrantWork(@Value("${breakglass.work.threads:" + DEFAULT_THREADS + "}") int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("breakglass.work.threads (BREAKGLASS_WORK_THREADS) must be at least 1, not "
                    + threads);
        }
        AtomicInteger n = new AtomicInteger();
        // The queue only bridges the moment between a slot's release and its thread's return to the pool: the
        // semaphore, not the queue, bounds the work.
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "breakglass-work-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        slots = new Semaphore(threads);
    }

    /** Runs {@code work} as soon as a slot is free, waiting for one (back-pressure on the caller). */
    @Override
    public void execute(Runnable work) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for a free slot", e);
        }
        start(work);
    }

    /** Starts {@code work} if a slot is free now; false (and nothing started) when all are busy or stopping. */
    public boolean tryExecute(Runnable work) {
        if (!slots.tryAcquire()) {
            return false;
        }
        try {
            start(work);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Slots free now: how much work {@link #tryExecute} would start (a hint; others may take them meanwhile). */
    public int free() {
        return pool.isShutdown() ? 0 : slots.availablePermits();
    }

    private void start(Runnable work) {
        try {
            pool.execute(() -> {
                try {
                    work.run();
                } finally {
                    slots.release();
                }
            });
        } catch (RejectedExecutionException e) {
            slots.release();
            throw e;
        }
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

package dev.breakglass.bot.adapter;

import dev.breakglass.command.DurationText;
import dev.breakglass.port.TargetException;
import dev.breakglass.port.TargetTimeoutException;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One target's own threads for adapter calls (a bulkhead): a target that hangs ties up only these, never the
 * scheduler's or another target's. Each call has a deadline counted from when it starts.
 *
 * <p>Edge cases: a call past its deadline is a {@link TargetTimeoutException} (so the caller's usual retry applies;
 * a grant that timed out is taken back, since the target may have made it) and its thread is interrupted; an adapter that ignores interrupts keeps that slot busy until it returns, so a hanging
 * target runs out of slots and only its own callers wait (never a scheduler thread, never another target's).
 * Calls beyond the slots wait their turn, so a burst (the sweeper after downtime) on a healthy target just queues.
 * An {@link Error} from the adapter is thrown as is.
 */
final class TargetBulkhead implements AutoCloseable {
    private final String target;
    private final Duration deadline;
    private final ThreadPoolExecutor pool;

    TargetBulkhead(String target, TargetCallLimits limits) {
        this.target = target;
        this.deadline = limits.callTimeout();
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(limits.concurrency(), limits.concurrency(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "target-" + target + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code call} on this target's threads: waits for a free slot, then for the call, at most the deadline
     * counted from when it started (waiting for a slot is not the target's slowness: a burst of calls on a
     * healthy target only queues).
     */
    <T> T call(String action, Callable<T> call) throws TargetException {
        CountDownLatch started = new CountDownLatch(1);
        Future<T> running;
        try {
            running = pool.submit(() -> {
                started.countDown();
                return call.call();
            });
        } catch (RejectedExecutionException e) {
            throw stopping(action);
        }
        try {
            while (!started.await(1, TimeUnit.SECONDS)) {
                if (pool.isShutdown()) {
                    running.cancel(true);
                    throw stopping(action);
                }
            }
            return running.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            throw new TargetTimeoutException(target + " did not answer the " + action + " within "
                    + DurationText.format(deadline) + " (breakglass.targets.call-timeout)");
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new TargetException("the " + action + " on " + target + " was interrupted (the bot is stopping)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TargetException t) {
                throw t;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new TargetException("the " + action + " on " + target + " failed (" + cause.getClass().getSimpleName()
                    + ")", cause);
        }
    }

    private TargetException stopping(String action) {
        return new TargetException("the " + action + " on " + target + " was not started: the bot is stopping");
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}

package dev.breakglass.bot.scheduling;

import dev.breakglass.grant.RevocationTimings;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs the grant timers that came due, in this process: one thread claims due rows of {@link JdbcTimerStore} in
 * batches (no cluster-wide lock: replicas claim side by side and never the same row), starts each on
 * {@link GrantWork} through {@link GrantDueHandler}, and deletes the row once the use case returned.
 *
 * <p>When: at the moment the earliest stored timer comes due ({@link JdbcTimerStore#nextDue}, read after each poll
 * that left nothing behind), so a timer stored before that poll runs on time whichever replica stored it; at
 * least every {@code breakglass.timers.poll} (default 250 ms) while idle, so a timer another replica stores
 * later runs at most that late; at once again while a poll found a full batch (a backlog); and at once when this
 * process schedules a timer due before the next poll ({@link #wake}). Times are the machine's clock, as the rows'
 * ({@link JdbcGrantScheduler}).
 *
 * <p>Edge cases: it claims no more timers than {@link GrantWork} has free slots, and gives back any that could not
 * start, so a full pool delays timers without losing one. A claim lasts {@code breakglass.timers.lease} (default
 * the revocation lease, 2 min: the use cases finish or hand over within it); the timers of a process that died are
 * claimed again by any replica once it passed, or at once when it starts again under the same
 * {@code breakglass.instance-id}. A use case interrupted by shutdown gives its timer back instead of
 * deleting it, so the next start runs it again. A database error is logged and the next poll tries again.
 */
@Singleton
public class TimerPoller {
    private static final Logger LOG = LoggerFactory.getLogger(TimerPoller.class);
    static final int DEFAULT_BATCH = 64;

    private final JdbcTimerStore store;
    private final Provider<GrantDueHandler> handler;
    private final GrantWork work;
    private final Duration poll;
    private final Duration lease;
    private final int batch;
    private final String owner;
    private final Clock machine;
    private final Object signal = new Object();
    /** Guarded by {@link #signal}: the earliest due time {@link #wake} heard of that no poll covered yet. */
    private Instant soonest = Instant.MAX;
    /** Guarded by {@link #signal}: when the waiting poller polls next; {@link Instant#MAX} while it polls. */
    private Instant nextPoll = Instant.MAX;
    private volatile boolean running;
    private Thread thread;

    @Inject
    public TimerPoller(JdbcTimerStore store, Provider<GrantDueHandler> handler, GrantWork work,
                       @Value("${breakglass.timers.poll:250ms}") Duration poll,
                       @Value("${breakglass.timers.lease:0s}") Duration lease, RevocationTimings revocation,
                       @Value("${breakglass.timers.batch:" + DEFAULT_BATCH + "}") int batch,
                       @Value("${breakglass.instance-id:}") String instanceId) {
        this(store, handler, work, poll, lease.isZero() ? revocation.lease() : lease, batch,
                instanceId.isBlank() ? "bot-" + UUID.randomUUID() : instanceId, Clock.systemUTC());
    }

    TimerPoller(JdbcTimerStore store, Provider<GrantDueHandler> handler, GrantWork work, Duration poll,
                Duration lease, int batch, String owner, Clock machine) {
        if (poll.isNegative() || poll.isZero() || lease.compareTo(Duration.ofSeconds(1)) < 0 || batch < 1) {
            throw new IllegalArgumentException("breakglass.timers: poll must be positive (is " + poll
                    + "), lease at least 1s (is " + lease + "), batch at least 1 (is " + batch + ")");
        }
        this.store = store;
        this.handler = handler;
        this.work = work;
        this.poll = poll;
        this.lease = lease;
        this.batch = batch;
        this.owner = owner;
        this.machine = machine;
    }

    /** Starts polling (again after {@link #stop}); does nothing while running. */
    public synchronized void start() {
        if (running) {
            return;
        }
        try {
            int back = store.releaseAll(owner);
            if (back > 0) {
                LOG.info("Took back {} timer(s) {} held when it stopped; running them again", back, owner);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not take back the timers {} held ({}); they run again after their lease", owner,
                    e.toString());
        }
        running = true;
        thread = new Thread(this::loop, "breakglass-timers");
        thread.setDaemon(true);
        thread.start();
        LOG.info("Timer poller {} started: polling every {} ms, lease {} s, up to {} timers a poll", owner,
                poll.toMillis(), lease.toSeconds(), batch);
    }

    /** True while polling. */
    public boolean running() {
        return running;
    }

    /**
     * Tells the poller that this process stored a timer due at {@code dueAt} (machine time), so it polls at that
     * time rather than at its next interval when that is sooner.
     */
    public void wake(Instant dueAt) {
        synchronized (signal) {
            if (dueAt.isBefore(soonest)) {
                soonest = dueAt;
            }
            if (dueAt.isBefore(nextPoll)) {
                signal.notifyAll();
            }
        }
    }

    /**
     * One poll: claims what is due (at most the free slots of {@link GrantWork}, at most a batch) and starts it.
     *
     * @return true when it claimed a full batch: more may be due, poll again at once
     */
    boolean pollOnce(Instant now) {
        int room = Math.min(batch, work.free());
        if (room == 0) {
            return false;
        }
        List<DueTimer> claimed = store.claim(owner, now, lease, room);
        for (DueTimer t : claimed) {
            if (!work.tryExecute(() -> run(t))) {
                store.release(t);
            }
        }
        return claimed.size() == room;
    }

    private void loop() {
        while (running) {
            boolean more = false;
            Instant started = machine.instant();
            Instant next = started.plus(poll);
            synchronized (signal) {
                if (!soonest.isAfter(started)) {
                    soonest = Instant.MAX; // stored and due before this poll: it claims them; later wakes are kept
                }
            }
            try {
                more = pollOnce(started);
                if (!more) {
                    next = sooner(started, next, store.nextDue(started));
                }
            } catch (RuntimeException e) {
                LOG.warn("Polling the grant timers failed ({}); trying again in {} ms", e.toString(), poll.toMillis());
            }
            if (!more) {
                await(next);
            }
        }
    }

    /**
     * The next poll: the earliest stored timer's due time when it comes before the interval's end. A timer due at
     * or before the poll ({@code polled}) and still unclaimed is not a reason to poll again at once: it waits for a
     * free slot of {@link GrantWork}, or another replica claimed it meanwhile, so the interval stands (this poller
     * never spins). A timer due since the poll, while it read, is polled for at once.
     */
    private static Instant sooner(Instant polled, Instant interval, Optional<Instant> due) {
        return due.filter(at -> at.isAfter(polled) && at.isBefore(interval)).orElse(interval);
    }

    /** Waits until {@code next}, or a sooner timer {@link #wake} heard of. */
    private void await(Instant next) {
        synchronized (signal) {
            while (running) {
                Instant wakeAt = soonest.isBefore(next) ? soonest : next;
                long nanos = Duration.between(machine.instant(), wakeAt).toNanos();
                if (nanos <= 0) {
                    break;
                }
                nextPoll = wakeAt;
                try {
                    // Rounded up: waking a fraction early would poll before the timer is due and miss it.
                    signal.wait(Math.max(1, (nanos + 999_999) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            nextPoll = Instant.MAX;
        }
    }

    private void run(DueTimer t) {
        handler.get().handle(t.grant(), t.due());
        try {
            if (Thread.currentThread().isInterrupted()) {
                store.release(t); // cut short by shutdown: the next start runs it again
            } else if (!store.finish(t)) {
                LOG.debug("{} {} was scheduled again while it ran; the new timer stays", t.due(), t.grant());
            }
        } catch (RuntimeException e) {
            LOG.warn("{} {} ran but its timer could not be removed ({}); it runs again after the lease", t.due(),
                    t.grant(), e.toString());
        }
    }

    /** Stops polling and waits briefly for the poller thread; running work is {@link GrantWork}'s to finish. */
    @PreDestroy
    public void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        synchronized (signal) {
            signal.notifyAll();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

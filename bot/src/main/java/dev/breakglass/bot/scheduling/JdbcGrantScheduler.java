package dev.breakglass.bot.scheduling;

import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantScheduler;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link GrantScheduler} as rows of {@link JdbcTimerStore}: one per (grant, what is due), carrying only the grant id
 * and the kind, in the database so it survives restarts; {@link TimerPoller}s of every replica run them. Scheduling
 * the same thing again replaces the earlier timer (also one that is running: the new time is kept). A time already
 * past runs as soon as a poller sees it; a timer whose process died while it ran runs again once its lease passed —
 * the use cases are idempotent.
 *
 * <p>One upsert per timer, with no cluster-wide lock: Quartz's JDBC job store, which held the grant timers before,
 * took its cluster lock and committed for every timer scheduled, replaced or fired, and that serialised the replicas
 * (docs/architecture.md, docs/benchmarks.md).
 */
@Singleton
public class JdbcGrantScheduler implements GrantScheduler {
    private final JdbcTimerStore store;
    private final TimerPoller poller;
    private final Clock clock;
    private final Clock machine;

    @Inject
    public JdbcGrantScheduler(JdbcTimerStore store, TimerPoller poller, Clock clock) {
        this(store, poller, clock, Clock.systemUTC());
    }

    JdbcGrantScheduler(JdbcTimerStore store, TimerPoller poller, Clock clock, Clock machine) {
        this.store = store;
        this.poller = poller;
        this.clock = clock;
        this.machine = machine;
    }

    @Override
    public void schedule(GrantId grant, Due due, Instant when) {
        Instant at = machineTime(when);
        store.put(grant, due, at);
        poller.wake(at);
    }

    /**
     * Pollers compare due times with the machine's clock, the core decides by the application's {@link Clock}; the
     * two agree in production but not in a test that moves its clock. So a due time becomes a delay from the
     * application's now, started from the machine's now (as it did for Quartz). A time already past is due now.
     */
    private Instant machineTime(Instant when) {
        Duration delay = Duration.between(clock.instant(), when);
        return machine.instant().plus(delay.isNegative() ? Duration.ZERO : delay);
    }
}

package dev.breakglass.bot.scheduling;

import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantScheduler.Due;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TimerPoller}s on a real database with a recording handler in place of the use cases: what runs, how often,
 * and what is left in the table. Waits are generous upper bounds, never measurements.
 */
class TimerPollerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration LEASE = Duration.ofMinutes(2);
    private TestDatabase db;
    private final List<TimerPoller> pollers = new ArrayList<>();
    private final List<GrantWork> pools = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        pollers.forEach(TimerPoller::stop);
        for (GrantWork w : pools) {
            w.stop();
        }
        if (db != null) {
            db.close();
        }
    }

    /** A handler that records each run and then does {@code then}. */
    private static GrantDueHandler recording(Consumer<Run> then) {
        return new GrantDueHandler(null, null, null, null) {
            @Override
            public void handle(GrantId id, Due due) {
                then.accept(new Run(id, due));
            }
        };
    }

    private record Run(GrantId grant, Due due) {
    }

    private TimerPoller poller(JdbcTimerStore store, GrantDueHandler handler, int threads, Duration poll,
                               Duration lease, String owner) {
        GrantWork work = new GrantWork(threads);
        pools.add(work);
        TimerPoller p = new TimerPoller(store, () -> handler, work, poll, lease, 16, owner, Clock.systemUTC());
        pollers.add(p);
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoPollersRunEveryTimerOnceAndNeverOneTimerTwiceAtTheSameTime(String database) {
        db = "h2".equals(database) ? TestDatabase.h2() : TestDatabase.postgres();
        JdbcTimerStore store = new JdbcTimerStore(db.dataSource());
        int timers = 200;
        Instant now = Instant.now();
        for (int i = 1; i <= timers; i++) {
            store.put(new GrantId(i), i % 2 == 0 ? Due.EXPIRE : Due.WARN, now.minusMillis(i));
        }
        Set<Run> running = ConcurrentHashMap.newKeySet();
        Map<Run, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<Run> overlapping = Collections.synchronizedList(new ArrayList<>());
        GrantDueHandler handler = recording(run -> {
            if (!running.add(run)) {
                overlapping.add(run);
            }
            runs.computeIfAbsent(run, r -> new AtomicInteger()).incrementAndGet();
            sleep(5); // long enough for the other poller to try the same timer while this one runs
            running.remove(run);
        });
        poller(store, handler, 4, Duration.ofMillis(20), LEASE, "a").start();
        poller(store, handler, 4, Duration.ofMillis(20), LEASE, "b").start();

        await(() -> count(db) == 0, () -> count(db) + " timers left");
        assertEquals(List.of(), overlapping, "run twice at the same time");
        assertEquals(timers, runs.size(), "every timer ran");
        assertEquals(List.of(), runs.entrySet().stream().filter(e -> e.getValue().get() > 1).toList(), "ran twice");
    }

    @Test
    void aTimerClaimedByAProcessThatDiedRunsAgainOnceTheLeasePassed() {
        db = TestDatabase.h2();
        JdbcTimerStore store = new JdbcTimerStore(db.dataSource());
        store.put(new GrantId(7), Due.EXPIRE, Instant.now());
        assertEquals(1, store.claim("died", Instant.now(), Duration.ofSeconds(1), 10).size());
        CountDownLatch ran = new CountDownLatch(1);
        poller(store, recording(run -> ran.countDown()), 2, Duration.ofMillis(50), LEASE, "alive").start();

        await(() -> ran.getCount() == 0, () -> "the dead process's timer did not run again");
        await(() -> count(db) == 0, () -> "its row is still there");
    }

    @Test
    void aTimerScheduledAgainWhileItRunsIsKeptAndRunsAtItsNewTime() throws Exception {
        db = TestDatabase.h2();
        JdbcTimerStore store = new JdbcTimerStore(db.dataSource());
        GrantId id = new GrantId(7);
        store.put(id, Due.REVIEW, Instant.now());
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        poller(store, recording(run -> {
            if (runs.incrementAndGet() == 1) {
                first.countDown();
                awaitLatch(goOn);
            }
        }), 2, Duration.ofMillis(50), LEASE, "a").start();
        assertTrue(first.await(WAIT.toSeconds(), TimeUnit.SECONDS));

        // The running use case schedules its next reminder, as ReviewService.followUp does.
        store.put(id, Due.REVIEW, Instant.now().plusSeconds(1));
        goOn.countDown();

        await(() -> runs.get() == 2, () -> "the replacement did not run");
        await(() -> count(db) == 0, () -> "the replacement's row is still there");
    }

    @Test
    void aTimerThisProcessSchedulesWakesThePollerBeforeItsInterval() {
        db = TestDatabase.h2();
        JdbcTimerStore store = new JdbcTimerStore(db.dataSource());
        CountDownLatch ran = new CountDownLatch(1);
        // Without the wake-up, this poller would look again only in an hour.
        TimerPoller poller = poller(store, recording(run -> ran.countDown()), 2, Duration.ofHours(1), LEASE, "a");
        poller.start();
        sleep(200); // usually waiting by now; if still polling, the wake-up is kept for when it is done
        JdbcGrantScheduler scheduler = new JdbcGrantScheduler(store, poller, Clock.systemUTC());

        scheduler.schedule(new GrantId(7), Due.PROVISION, Instant.now());

        await(() -> ran.getCount() == 0, () -> "the timer did not run");
    }

    @Test
    void aTimerAnotherProcessStoredRunsAtItsDueTimeNotAtTheNextInterval() {
        db = TestDatabase.h2();
        JdbcTimerStore store = new JdbcTimerStore(db.dataSource());
        Instant due = Instant.now().plusSeconds(2);
        // Stored as another replica would: straight into the table, without waking this poller.
        store.put(new GrantId(7), Due.EXPIRE, due);
        CountDownLatch ran = new CountDownLatch(1);
        Instant[] at = new Instant[1];
        TimerPoller poller = poller(store, recording(run -> {
            at[0] = Instant.now();
            ran.countDown();
        }), 2, Duration.ofHours(1), LEASE, "a");

        poller.start();

        // With only the interval, this poller would look again in an hour: it read when the timer is due.
        await(() -> ran.getCount() == 0, () -> "the timer did not run");
        assertTrue(!at[0].isBefore(due), "never before its time: ran at " + at[0] + ", due " + due);
    }

    @Test
    void aFullPoolDelaysTimersWithoutLosingOne() {
        db = TestDatabase.h2();
        JdbcTimerStore store = new JdbcTimerStore(db.dataSource());
        for (int i = 1; i <= 5; i++) {
            store.put(new GrantId(i), Due.PROVISION, Instant.now());
        }
        CountDownLatch goOn = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        poller(store, recording(run -> {
            started.incrementAndGet();
            awaitLatch(goOn);
        }), 1, Duration.ofMillis(20), LEASE, "a").start();

        await(() -> started.get() == 1, () -> "nothing started");
        sleep(300); // several polls with the only slot busy
        assertEquals(1, started.get(), "one slot, one timer at a time");
        assertEquals(1, claimed(db), "only the running timer is claimed: the others wait unclaimed for any replica");
        goOn.countDown();

        await(() -> count(db) == 0, () -> count(db) + " timers left");
        assertEquals(5, started.get());
    }

    private static long count(TestDatabase db) {
        return query(db, "SELECT COUNT(*) FROM grant_timers");
    }

    private static long claimed(TestDatabase db) {
        return query(db, "SELECT COUNT(*) FROM grant_timers WHERE claimed_by IS NOT NULL");
    }

    private static long query(TestDatabase db, String sql) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier done, java.util.function.Supplier<String> why) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(why.get());
            }
            sleep(10);
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.breakglass.bot.scheduling;

import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantScheduler.Due;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link JdbcTimerStore} promises, run on H2 and on the real PostgreSQL. */
abstract class JdbcTimerStoreContract {
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final GrantId BG7 = new GrantId(7);
    /** Whole milliseconds: both databases keep them exactly. */
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private TestDatabase db;
    private JdbcTimerStore store;

    protected abstract TestDatabase open();

    @BeforeEach
    void setUp() {
        db = open();
        store = new JdbcTimerStore(db.dataSource());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void schedulingTheSameTimerAgainReplacesIt() {
        store.put(BG7, Due.EXPIRE, now.plusSeconds(60));
        DueTimer first = store.find(BG7, Due.EXPIRE).orElseThrow();
        store.put(BG7, Due.EXPIRE, now.plusSeconds(600));
        DueTimer second = store.find(BG7, Due.EXPIRE).orElseThrow();

        assertEquals(now.plusSeconds(600), second.dueAt());
        assertNotEquals(first.version(), second.version());
        assertEquals(List.of(), store.claim("a", now.plusSeconds(61), LEASE, 10), "the earlier time is gone");
        assertEquals(List.of(second), store.claim("a", now.plusSeconds(600), LEASE, 10));
    }

    @Test
    void onlyDueTimersAreClaimedOldestFirstWithTheirOwnDueTimes() {
        store.put(BG7, Due.EXPIRE, now.minusSeconds(5));
        store.put(BG7, Due.WARN, now.minusSeconds(20));
        store.put(new GrantId(8), Due.PROVISION, now);
        store.put(new GrantId(9), Due.REVIEW, now.plusMillis(1));

        List<DueTimer> claimed = store.claim("a", now, LEASE, 10);

        assertEquals(List.of(Due.WARN, Due.EXPIRE, Due.PROVISION), claimed.stream().map(DueTimer::due).toList());
        assertEquals(now.minusSeconds(20), claimed.getFirst().dueAt(), "a late timer keeps its own due time");
    }

    @Test
    void theNextDueTimeIsTheEarliestTimerNobodyHolds() {
        assertEquals(java.util.Optional.empty(), store.nextDue(now), "no timer stored");
        store.put(BG7, Due.EXPIRE, now.plusSeconds(30));
        store.put(new GrantId(8), Due.PROVISION, now.plusSeconds(10));
        store.put(new GrantId(9), Due.WARN, now.plusSeconds(20));
        assertEquals(java.util.Optional.of(now.plusSeconds(10)), store.nextDue(now));

        store.claim("a", now.plusSeconds(10), LEASE, 1);
        assertEquals(java.util.Optional.of(now.plusSeconds(20)), store.nextDue(now.plusSeconds(10)),
                "a held timer is not waited for");
        assertEquals(java.util.Optional.of(now.plusSeconds(10)), store.nextDue(now.plusSeconds(10).plus(LEASE)),
                "once its lease passed, it is due again");
    }

    @Test
    void aClaimIsHeldForItsLeaseThenTakenAgain() {
        store.put(BG7, Due.EXPIRE, now);
        assertEquals(1, store.claim("crashed", now, LEASE, 10).size());

        assertEquals(List.of(), store.claim("b", now.plus(LEASE).minusMillis(1), LEASE, 10), "held during the lease");
        List<DueTimer> again = store.claim("b", now.plus(LEASE), LEASE, 10);
        assertEquals(1, again.size(), "a crashed process's claim is taken over once the lease passed");
        assertTrue(store.finish(again.getFirst()));
        assertTrue(store.find(BG7, Due.EXPIRE).isEmpty());
    }

    @Test
    void aReplicaStartingAgainUnderItsIdTakesBackWhatItHeld() {
        store.put(BG7, Due.EXPIRE, now);
        store.put(BG7, Due.WARN, now);
        store.claim("bot-1", now, LEASE, 1);
        store.claim("bot-2", now, LEASE, 1);

        assertEquals(1, store.releaseAll("bot-1"));
        assertEquals(1, store.claim("bot-1", now, LEASE, 10).size(), "bot-2's claim still holds");
    }

    @Test
    void aTimerScheduledAgainWhileItRunsSurvivesTheFinishAndCanBeClaimed() {
        store.put(BG7, Due.REVIEW, now);
        DueTimer running = store.claim("a", now, LEASE, 10).getFirst();
        store.put(BG7, Due.REVIEW, now.plusSeconds(1));

        assertFalse(store.finish(running), "the replacement is not deleted");
        DueTimer next = store.find(BG7, Due.REVIEW).orElseThrow();
        assertEquals(now.plusSeconds(1), next.dueAt());
        assertEquals(List.of(next), store.claim("b", now.plusSeconds(1), LEASE, 10),
                "the replacement is not held by the old claim");
    }

    @Test
    void aTimerDeletedAndScheduledAgainNeverMatchesAnOldClaim() {
        store.put(BG7, Due.EXPIRE, now);
        DueTimer old = store.claim("a", now, LEASE, 10).getFirst();
        assertTrue(store.finish(old));
        store.put(BG7, Due.EXPIRE, now);

        assertFalse(store.finish(old));
        assertTrue(store.find(BG7, Due.EXPIRE).isPresent());
    }

    @Test
    void aReleasedTimerIsClaimableAtOnceAndTheBatchIsBounded() {
        for (int i = 1; i <= 5; i++) {
            store.put(new GrantId(i), Due.PROVISION, now);
        }
        List<DueTimer> two = store.claim("a", now, LEASE, 2);
        assertEquals(2, two.size());
        assertEquals(List.of(), store.claim("a", now, LEASE, 0));
        store.release(two.getFirst());

        assertEquals(4, store.claim("b", now, LEASE, 10).size(), "the 3 never claimed and the released one");
    }

    @Test
    void twoPollersClaimingAtOnceNeverTakeTheSameTimer() throws Exception {
        int timers = 300;
        for (int i = 1; i <= timers; i++) {
            store.put(new GrantId(i), Due.EXPIRE, now.minusMillis(i));
        }
        Set<GrantId> taken = ConcurrentHashMap.newKeySet();
        List<GrantId> twice = Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<Void>> pollers = new ArrayList<>();
        for (String owner : List.of("a", "b")) {
            pollers.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int empty = 0; empty < 20; ) {
                    List<DueTimer> claimed = store.claim(owner, now, LEASE, 7);
                    empty = claimed.isEmpty() ? empty + 1 : 0;
                    for (DueTimer t : claimed) {
                        if (!taken.add(t.grant())) {
                            twice.add(t.grant());
                        }
                    }
                }
            }));
        }
        CompletableFuture.allOf(pollers.toArray(CompletableFuture[]::new)).get();

        assertEquals(List.of(), twice, "claimed by both");
        assertEquals(timers, new HashSet<>(taken).size(), "every timer claimed");
    }
}

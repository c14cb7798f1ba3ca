package dev.breakglass.bot.adapter;

import dev.breakglass.testing.WatchingTarget;
import dev.breakglass.activity.Completeness;
import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import org.junit.jupiter.api.Test;

import dev.breakglass.port.TargetTimeoutException;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wrapper every configured target goes through must not hide an adapter's activity capture, and must keep its
 * reads to their own threads with the call deadline.
 */
class MeteredTargetActivityTest {

    private static final ActivitySource SOURCE = new ActivitySource() {
        @Override
        public Completeness completeness() {
            return Completeness.COMPLETE;
        }

        @Override
        public Page read(Provisioned provisioned, Optional<String> position) {
            return new Page(List.of(), "0");
        }
    };

    private static TargetAdapter adapter(Optional<ActivitySource> activity) {
        return new WatchingTarget(activity);
    }

    private static final TargetCallLimits LIMITS = new TargetCallLimits(1, Duration.ofSeconds(1));

    @Test
    void passesTheAdaptersSourceThroughOnItsOwnThreads() throws Exception {
        try (TargetBulkhead calls = new TargetBulkhead("orders-db", LIMITS);
             TargetBulkhead reads = new TargetBulkhead("orders-db-activity", LIMITS.forActivity())) {
            MeteredTarget metered = new MeteredTarget("orders-db", adapter(Optional.of(SOURCE)), calls, reads, null,
                    null, Clock.systemUTC());
            ActivitySource source = metered.activity().orElseThrow();
            assertEquals(Completeness.COMPLETE, source.completeness());
            assertEquals("0", source.read(null, Optional.empty()).position());
        }
    }

    @Test
    void aHangingReadTimesOutAndNeverTakesTheThreadsOfTheCallsThatGiveAndTakeAccess() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch reading = new CountDownLatch(1);
        ActivitySource hanging = new ActivitySource() {
            @Override
            public Completeness completeness() {
                return Completeness.COMPLETE;
            }

            @Override
            public Page read(Provisioned provisioned, Optional<String> position) {
                reading.countDown();
                try {
                    never.await(); // interrupted when the deadline passes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Page(List.of(), "late");
            }
        };
        TargetCallLimits slow = new TargetCallLimits(1, Duration.ofSeconds(5));
        try (TargetBulkhead calls = new TargetBulkhead("orders-db", slow);
             TargetBulkhead reads = new TargetBulkhead("orders-db-activity", slow.forActivity())) {
            MeteredTarget metered = new MeteredTarget("orders-db", adapter(Optional.of(hanging)), calls, reads, null,
                    null, Clock.systemUTC());
            ActivitySource source = metered.activity().orElseThrow();
            ExecutorService pollers = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> polls = List.of(pollers.submit(() -> source.read(null, Optional.empty())),
                        pollers.submit(() -> source.read(null, Optional.empty())));
                assertTrue(reading.await(10, TimeUnit.SECONDS), "a read started");
                // the target's one call slot is free for a revocation while the reads hang (sharing it, the revoke
                // would wait until they timed out)
                assertEquals("revoked", calls.call("revoke", () -> "revoked"));
                assertFalse(polls.get(0).isDone(), "the revoke did not wait for the hanging reads");
                for (Future<?> poll : polls) {
                    ExecutionException e = assertThrows(ExecutionException.class, () -> poll.get(60, TimeUnit.SECONDS));
                    assertInstanceOf(TargetTimeoutException.class, e.getCause());
                }
            } finally {
                pollers.shutdownNow();
            }
        }
    }

    @Test
    void anAdapterWithoutCaptureHasNone() {
        MeteredTarget metered = new MeteredTarget("orders-db", adapter(Optional.empty()), null, null, null, null,
                Clock.systemUTC());
        assertTrue(metered.activity().isEmpty());
    }
}

package dev.breakglass.port;

import dev.breakglass.activity.Activity;
import dev.breakglass.activity.Completeness;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivityLog.Recorded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link ActivityLog} must do, whatever keeps the activity: the JDBC log on H2 and on PostgreSQL. One log
 * per test class; each test uses grant ids of its own, so tests do not assume an empty log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ActivityLogContract {
    private static final AtomicLong IDS = new AtomicLong(5000);
    protected static final Instant T0 = Instant.parse("2026-12-03T06:00:00.123456Z");

    private ActivityLog log;

    /** A log for this class's tests. */
    protected abstract ActivityLog openLog();

    /** Releases what {@link #openLog()} made. */
    protected void closeLog() {
    }

    @BeforeAll
    void open() {
        log = openLog();
    }

    @AfterAll
    void close() {
        if (log != null) {
            closeLog();
        }
    }

    protected ActivityLog log() {
        return log;
    }

    protected static GrantId newGrant() {
        return new GrantId(IDS.incrementAndGet());
    }

    protected static Activity statement(GrantId grant, int second, String sql) {
        return new Activity(grant, T0.plusSeconds(second), "bg_alice_7", "statement", sql, "postgres-log",
                Completeness.COMPLETE);
    }

    private static List<String> noFlags(int n) {
        return Arrays.asList(new String[n]);
    }

    @Test
    void storesInOrderAndReadsBackEqual() {
        GrantId grant = newGrant();
        List<Activity> in = List.of(statement(grant, 1, "select 1"),
                statement(grant, 2, "alter role x password 'pw'"), statement(grant, 3, "drop table t"));
        List<Recorded> stored = log.append(grant, "postgres-log", in, Arrays.asList(null, null, "DROP"),
                Optional.of("file:1:300"), T0.plusSeconds(5));
        List<Recorded> read = log.of(grant);
        assertEquals(stored, read);
        assertEquals(in, read.stream().map(Recorded::activity).toList());
        assertEquals("alter role x password '***'", read.get(1).activity().detail(), "only masked text is stored");
        assertEquals(Optional.of("DROP"), read.get(2).flag());
        assertTrue(read.get(0).seq() < read.get(1).seq() && read.get(1).seq() < read.get(2).seq());
        assertEquals(T0.plusSeconds(1), read.get(0).activity().at(), "microseconds survive");
    }

    @Test
    void thePositionMovesWithTheRowsAndAloneWhenNothingWasRead() {
        GrantId grant = newGrant();
        assertEquals(Optional.empty(), log.position(grant, "postgres-log"));
        log.append(grant, "postgres-log", List.of(statement(grant, 1, "select 1")), noFlags(1),
                Optional.of("a:1"), T0);
        assertEquals(Optional.of("a:1"), log.position(grant, "postgres-log"));
        log.append(grant, "postgres-log", List.of(), List.of(), Optional.of("a:2"), T0);
        assertEquals(Optional.of("a:2"), log.position(grant, "postgres-log"));
        log.append(grant, "postgres-log", List.of(), List.of(), Optional.empty(), T0);
        assertEquals(Optional.of("a:2"), log.position(grant, "postgres-log"), "empty keeps the stored position");
        assertEquals(Optional.empty(), log.position(grant, "pg_stat_activity"), "each source has its own");
        assertEquals(1, log.of(grant).size());
    }

    @Test
    void refusesAnotherGrantsActivityAndStoresNothing() {
        GrantId grant = newGrant();
        GrantId other = newGrant();
        assertThrows(IllegalArgumentException.class, () -> log.append(grant, "ingest",
                List.of(statement(grant, 1, "select 1"), statement(other, 2, "select 2")), noFlags(2),
                Optional.of("x"), T0));
        assertThrows(IllegalArgumentException.class, () -> log.append(grant, "ingest",
                List.of(statement(grant, 1, "select 1")), List.of(), Optional.of("x"), T0));
        assertEquals(List.of(), log.of(grant));
        assertEquals(Optional.empty(), log.position(grant, "ingest"));
    }

    @Test
    void afterPagesThroughEveryGrantInOrder() {
        GrantId a = newGrant();
        GrantId b = newGrant();
        long start = log.append(a, "ingest", List.of(statement(a, 1, "one")), noFlags(1), Optional.empty(), T0)
                .get(0).seq() - 1;
        log.append(b, "ingest", List.of(statement(b, 2, "two"), statement(b, 3, "three")), noFlags(2),
                Optional.empty(), T0);
        List<Recorded> first = log.after(start, 2);
        assertEquals(List.of("one", "two"), first.stream().map(r -> r.activity().detail()).toList());
        List<Recorded> rest = log.after(first.get(1).seq(), 100);
        assertEquals("three", rest.get(0).activity().detail());
        assertThrows(IllegalArgumentException.class, () -> log.after(0, 0));
    }

    @Test
    void aReadIsStoredOnlyFromThePositionItStartedAt() {
        GrantId grant = newGrant();
        log.appendRead(grant, "adapter", Optional.empty(), "p1", List.of(statement(grant, 1, "one")), noFlags(1), T0);
        assertThrows(ActivityLog.PositionMoved.class, () -> log.appendRead(grant, "adapter", Optional.empty(), "p1",
                List.of(statement(grant, 1, "one")), noFlags(1), T0), "a second first read of the same page");
        log.appendRead(grant, "adapter", Optional.of("p1"), "p2", List.of(statement(grant, 2, "two")), noFlags(1),
                T0);
        assertThrows(ActivityLog.PositionMoved.class, () -> log.appendRead(grant, "adapter", Optional.of("p1"), "p2",
                List.of(statement(grant, 2, "two")), noFlags(1), T0), "a stale reader of the same page");
        assertEquals(List.of("one", "two"), log.of(grant).stream().map(r -> r.activity().detail()).toList());
        assertEquals(Optional.of("p2"), log.position(grant, "adapter"));
        log.appendRead(grant, "adapter", Optional.of("p2"), "p3", List.of(), List.of(), T0);
        assertEquals(Optional.of("p3"), log.position(grant, "adapter"), "an empty read moves the position alone");
    }

    @Test
    void ofAGrantAfterASequenceNumberPages() {
        GrantId grant = newGrant();
        List<Recorded> stored = log.append(grant, "ingest", List.of(statement(grant, 1, "one"),
                statement(grant, 2, "two"), statement(grant, 3, "three")), noFlags(3), Optional.empty(), T0);
        assertEquals(List.of("two"), log.of(grant, stored.get(0).seq(), 1).stream()
                .map(r -> r.activity().detail()).toList());
        assertEquals(List.of("two", "three"), log.of(grant, stored.get(0).seq(), 10).stream()
                .map(r -> r.activity().detail()).toList());
        assertEquals(List.of(), log.of(newGrant(), 0, 10));
        assertThrows(IllegalArgumentException.class, () -> log.of(grant, 0, 0));
    }
}

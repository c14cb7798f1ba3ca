package dev.breakglass.activity;

import dev.breakglass.activity.ActivityService.Recording;
import dev.breakglass.activity.ActivityService.Refusal;
import dev.breakglass.grant.Fakes;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.NewGrant;
import dev.breakglass.policy.ActivityPolicy;
import dev.breakglass.policy.Channels;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.ActivityLog;
import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.MemoryActivityLog;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import dev.breakglass.port.TargetRegistry;
import dev.breakglass.testing.ManualClock;
import dev.breakglass.testing.WatchingTarget;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The activity use cases on the in-memory ports: the recording window, flags, and reading each page once. */
class ActivityServiceTest {
    private static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");
    private static final String ALICE = "U0ALICE";
    private static final String BOB = "U0BOB";

    private final ManualClock clock = new ManualClock(T0);
    private final Fakes.MemoryGrantStore store = new Fakes.MemoryGrantStore();
    private final MemoryActivityLog log = new MemoryActivityLog();
    private final Source source = new Source();
    private final TargetRegistry targets = name -> Optional.of(new WatchingTarget(
            name.equals("orders-db") ? Optional.of(source) : Optional.empty()));
    private final ActivityService service = new ActivityService(store, targets, log, policy(), clock,
            ActivityService.DEFAULT_GRACE);

    private static Policy policy() {
        Map<String, TargetPolicy> t = new LinkedHashMap<>();
        for (String name : List.of("orders-db", "billing")) {
            t.put(name, TargetPolicy.builder(name, "webhook", Duration.ofHours(1),
                    List.of(new Principal.UserId(BOB))).requesters(new Principal.UserId(ALICE)).build());
        }
        Policy plain = new Policy(new Channels("C0APPROVALS", List.of("C0SECURITY")), t);
        return new Policy(plain.channels(), plain.targets(), plain.justification(), plain.pendingTimeout(),
                plain.revealLimit(), plain.warnBefore(), plain.review(), plain.requestsPerHour(), plain.stepUp(),
                new ActivityPolicy(List.of("DROP"), Map.of("orders-db", List.of("TRUNCATE"))));
    }

    /** What the fake adapter's source will answer, page by page. */
    private static final class Source implements ActivitySource {
        final List<Page> pages = new ArrayList<>();
        final List<Optional<String>> askedFrom = new ArrayList<>();
        String failWith;
        Runnable meanwhile = () -> { };

        @Override
        public Completeness completeness() {
            return Completeness.COMPLETE;
        }

        @Override
        public synchronized Page read(Provisioned provisioned, Optional<String> position) throws TargetException {
            askedFrom.add(position);
            meanwhile.run();
            if (failWith != null) {
                throw new TargetException(failWith);
            }
            return pages.isEmpty() ? new Page(List.of(), position.orElse("0")) : pages.remove(0);
        }
    }

    private Grant saved(Grant changed) {
        return store.update(changed, g -> List.of()).orElseThrow();
    }

    private Grant pending(String target) {
        return store.create(new NewGrant(ALICE, target, Optional.empty(), Duration.ofMinutes(30),
                "the orders database is down", Optional.empty(), 1, clock.instant()), g -> List.of());
    }

    private Grant active(String target) {
        Grant g = saved(pending(target).approvedBy(BOB, clock.instant()));
        g = saved(g.provisioningStarted(clock.instant(), clock.instant().plusSeconds(60)));
        return saved(g.activated("{}", clock.instant()));
    }

    private Grant ended(Grant active) {
        return saved(active.revocationClaimed(Optional.of(ALICE), Optional.empty(), clock.instant(),
                clock.instant().plusSeconds(60)).revocationSucceeded(clock.instant()));
    }

    private static Activity line(GrantId id, String detail) {
        return new Activity(id, T0, "bg_alice", "statement", detail, "ingest", Completeness.COMPLETE);
    }

    @Test
    void recordsPushedActivityOfAnActiveGrantWithItsFlags() {
        Grant g = active("orders-db");
        Recording r = service.record(g.id(), "ingest", List.of(line(g.id(), "select 1"),
                line(g.id(), "truncate orders"), line(g.id(), "drop table t")));
        List<ActivityLog.Recorded> rows = assertInstanceOf(Recording.Stored.class, r).rows();
        assertEquals(List.of(Optional.empty(), Optional.of("TRUNCATE"), Optional.of("DROP")),
                rows.stream().map(ActivityLog.Recorded::flag).toList(), "the target's phrases, then the global ones");
        assertEquals(rows, log.of(g.id()));
    }

    @Test
    void aTargetsPhrasesFlagOnlyOnThatTarget() {
        Grant g = active("billing");
        Recording r = service.record(g.id(), "ingest", List.of(line(g.id(), "truncate orders")));
        assertEquals(Optional.empty(), ((Recording.Stored) r).rows().get(0).flag());
    }

    @Test
    void refusesUnknownNeverActiveAndLongEndedGrantsAndStoresNothing() {
        assertEquals(new Recording.Refused(Refusal.UNKNOWN_GRANT),
                service.record(new GrantId(99), "ingest", List.of(line(new GrantId(99), "select 1"))));
        Grant waiting = pending("orders-db");
        assertEquals(new Recording.Refused(Refusal.NEVER_ACTIVE),
                service.record(waiting.id(), "ingest", List.of(line(waiting.id(), "select 1"))));
        Grant over = ended(active("orders-db"));
        clock.advance(ActivityService.DEFAULT_GRACE.plusSeconds(1));
        assertEquals(new Recording.Refused(Refusal.ENDED),
                service.record(over.id(), "ingest", List.of(line(over.id(), "select 1"))));
        assertEquals(List.of(), log.of(waiting.id()));
        assertEquals(List.of(), log.of(over.id()));
        Grant g = active("orders-db");
        assertThrows(IllegalArgumentException.class, () -> service.record(g.id(), "ingest",
                List.of(line(g.id(), "one"), line(over.id(), "two"))));
        assertEquals(List.of(), log.of(g.id()));
    }

    @Test
    void takesTheLastLinesOfASessionForTheGraceWindowAfterRevoke() {
        Grant over = ended(active("orders-db"));
        clock.advance(ActivityService.DEFAULT_GRACE);
        assertInstanceOf(Recording.Stored.class, service.record(over.id(), "ingest",
                List.of(line(over.id(), "select pg_sleep(600)"))), "exactly at the end of the grace window");
    }

    @Test
    void pollsEachPageOnceFromTheStoredPosition() throws Exception {
        Grant g = active("orders-db");
        source.pages.add(new ActivitySource.Page(List.of(line(g.id(), "select 1"), line(g.id(), "drop table x")),
                "p1"));
        source.pages.add(new ActivitySource.Page(List.of(), "p1"));
        source.pages.add(new ActivitySource.Page(List.of(line(g.id(), "select 2")), "p2"));
        assertEquals(2, service.poll(g).size());
        assertEquals(List.of(), service.poll(g), "nothing new");
        assertEquals(1, service.poll(g).size());
        assertEquals(List.of(Optional.empty(), Optional.of("p1"), Optional.of("p1")), source.askedFrom);
        assertEquals(List.of("select 1", "drop table x", "select 2"),
                log.of(g.id()).stream().map(r -> r.activity().detail()).toList());
        assertEquals(Optional.of("DROP"), log.of(g.id()).get(1).flag());
    }

    @Test
    void aFailingSourceKeepsThePositionSoTheNextPollReadsTheSamePage() throws Exception {
        Grant g = active("orders-db");
        source.pages.add(new ActivitySource.Page(List.of(line(g.id(), "select 1")), "p1"));
        service.poll(g);
        source.failWith = "log not readable";
        assertThrows(TargetException.class, () -> service.poll(g));
        source.failWith = null;
        source.pages.add(new ActivitySource.Page(List.of(line(g.id(), "select 2")), "p2"));
        service.poll(g);
        assertEquals(List.of(Optional.empty(), Optional.of("p1"), Optional.of("p1")), source.askedFrom);
        assertEquals(2, log.of(g.id()).size());
    }

    @Test
    void aSecondReaderOfTheSamePageStoresNothing() throws Exception {
        Grant g = active("orders-db");
        Activity first = line(g.id(), "first");
        source.pages.add(new ActivitySource.Page(List.of(first), "p1"));
        // another replica reads and stores the same page while this poll is reading it
        source.meanwhile = () -> log.appendRead(g.id(), ActivityService.POLLED, Optional.empty(), "p1",
                List.of(first), java.util.Arrays.asList((String) null), T0);
        assertThrows(ActivityLog.PositionMoved.class, () -> service.poll(g));
        assertEquals(1, log.of(g.id()).size());
    }

    @Test
    void watchesHoldingGrantsAndEndedOnesInTheirGraceWindowOnTargetsWithASource() {
        Grant holding = active("orders-db");
        Grant noSource = active("billing");
        Grant justEnded = ended(active("orders-db"));
        pending("orders-db");
        assertEquals(List.of(holding.id(), justEnded.id()), service.watched().stream().map(Grant::id).toList());
        clock.advance(ActivityService.DEFAULT_GRACE.plusSeconds(1));
        assertEquals(List.of(holding.id()), service.watched().stream().map(Grant::id).toList());
        assertTrue(service.window(noSource, clock.instant()).isEmpty(), "pushed activity is still taken");
    }

    @Test
    void aNegativeGraceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ActivityService(store, targets, log, policy(), clock,
                Duration.ofSeconds(-1)));
    }
}

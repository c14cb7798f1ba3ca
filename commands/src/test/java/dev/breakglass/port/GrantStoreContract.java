package dev.breakglass.port;

import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.grant.NewGrant;
import dev.breakglass.grant.Review;
import dev.breakglass.grant.ReviewQuestion;
import dev.breakglass.grant.SignOff;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link GrantStore} must do, whatever keeps the grants: the JDBC store on H2 and on PostgreSQL (in the
 * bot's tests, through this module's test jar) and the core tests' in-memory fake, so a use case tested against the
 * fake behaves the same against a database. Subclasses open one store per test class; tests do not assume it is
 * empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GrantStoreContract {
    private static final Instant T0 = Instant.parse("2026-11-21T10:15:30Z");

    private GrantStore store;

    /** A store for this class's tests (a fresh, migrated database for the JDBC store). */
    protected abstract GrantStore openStore();

    /** Releases what {@link #openStore()} made; called once, after the class's tests. */
    protected void closeStore() {
    }

    @BeforeAll
    void open() {
        store = openStore();
    }

    @AfterAll
    void close() {
        if (store != null) {
            closeStore();
        }
    }

    private GrantStore store() {
        return store;
    }

    private static NewGrant request(String justification) {
        return new NewGrant("U0ALICE", "orders-db", Optional.of("admin"), Duration.ofMinutes(30),
                justification, Optional.of("INC-1234"), 2, T0);
    }

    @Test
    void createGivesGrowingIdsAndAPendingGrantAtVersionOne() {
        Grant first = store().create(request("restore the orders replica"), none -> java.util.List.of());
        Grant second = store().create(request("restore the orders replica again"), none -> java.util.List.of());
        assertTrue(second.id().value() > first.id().value(), first.id() + " then " + second.id());
        assertEquals(GrantState.PENDING, first.state());
        assertEquals(1, first.version());
        assertEquals(Optional.empty(), first.expiresAt());
    }

    @Test
    void findReturnsExactlyWhatWasStored() {
        String text = "naïve 🔥 <!channel> & \"quotes\"\nsecond line " + "x".repeat(2900);
        Grant created = store().create(new NewGrant("U0BOB", "demo-ssh", Optional.empty(), Duration.ofSeconds(90),
                text, Optional.empty(), 1, T0), none -> java.util.List.of());
        Grant found = store().find(created.id()).orElseThrow();
        assertEquals(created, found);
        assertEquals(text, found.justification());
        assertEquals(Optional.empty(), found.role());
        assertEquals(Optional.empty(), found.incident());
        assertEquals(Optional.empty(), found.kind());
    }

    @Test
    void theEmergencyKindAndTheStepUpOfARequestAreStoredWithIt() {
        Grant created = store().create(new NewGrant("U0ALICE", "orders-db", Optional.empty(), Duration.ofMinutes(30),
                "restore the orders replica", Optional.of("INC-42"), 1, T0, true, Optional.of("identity-outage")),
                none -> java.util.List.of());
        Grant found = store().find(created.id()).orElseThrow();
        assertEquals(created, found);
        assertEquals(Optional.of("identity-outage"), found.kind());
        assertEquals(Optional.of("INC-42"), found.incident());
        assertTrue(found.stepUpVerifiedBy("U0ALICE"));
    }

    @Test
    void recentRequestsAreCountedPerRequesterFromTheGivenInstantOn() {
        String who = "U0COUNT" + System.nanoTime() % 100000;
        for (int minutes : new int[] {0, 30, 61}) {
            store().create(new NewGrant(who, "orders-db", Optional.empty(), Duration.ofMinutes(30),
                    "restore the orders replica", Optional.empty(), 1, T0.plus(Duration.ofMinutes(minutes))), none -> java.util.List.of());
        }
        assertEquals(3, store().countRequestedSince(who, T0));
        assertEquals(2, store().countRequestedSince(who, T0.plus(Duration.ofMinutes(30))), "from that instant on");
        assertEquals(0, store().countRequestedSince(who, T0.plus(Duration.ofMinutes(62))));
        assertEquals(0, store().countRequestedSince("U0NOBODY", T0));
    }

    @Test
    void theNewestGrantsInAStateAreReadBoundedOldestOfThemFirst() {
        List<Grant> made = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            made.add(store().create(request("restore the orders replica " + i), none -> java.util.List.of()));
        }
        java.util.Set<GrantState> pending = EnumSet.of(GrantState.PENDING);
        List<Grant> newest = store().findNewestByState(pending, 2);
        assertEquals(List.of(made.get(2).id(), made.get(3).id()), newest.stream().map(Grant::id).toList());
        assertEquals(List.of(), store().findNewestByState(pending, 0));
    }

    @Test
    void findOfAnUnknownIdIsEmpty() {
        assertEquals(Optional.empty(), store().find(new GrantId(Long.MAX_VALUE)));
    }

    @Test
    void updateSavesEveryDecisionAndBumpsTheVersion() {
        Grant created = store().create(request("database is down, need admin"), none -> java.util.List.of());
        assertEquals(2, created.approvalsRequired());
        Instant later = T0.plusSeconds(60);
        Grant once = store().update(created.approvedBy("U0BOB", later), none -> java.util.List.of()).orElseThrow();
        assertEquals(GrantState.PENDING, once.state());
        Grant twice = store().update(once.approvedBy("U0CAROL", later), none -> java.util.List.of()).orElseThrow();
        assertEquals(GrantState.APPROVED, twice.state());
        Grant saved = store().update(twice.provisioningStarted(later, later).activated("{\"role\":\"bg_1\"}", later), none -> java.util.List.of()).orElseThrow();
        assertEquals(4, saved.version());
        Grant found = store().find(created.id()).orElseThrow();
        assertEquals(saved, found);
        assertEquals(GrantState.ACTIVE, found.state());
        assertEquals(List.of("U0BOB", "U0CAROL"), found.approvedBy());
        assertEquals(Optional.of("{\"role\":\"bg_1\"}"), found.handle());
        assertEquals(Optional.of(later.plus(Duration.ofMinutes(30))), found.expiresAt());
    }

    @Test
    void theWarningIsStoredWithTheEndItWasAbout() {
        Grant created = store().create(request("database is down, need admin"), none -> java.util.List.of());
        Grant active = store().update(created.approvedBy("U0BOB", T0).approvedBy("U0CAROL", T0)
                .provisioningStarted(T0, T0).activated("h", T0), none -> java.util.List.of()).orElseThrow();
        assertEquals(Optional.empty(), store().find(created.id()).orElseThrow().warnedFor());

        Grant warned = store().update(active.warned(T0.plusSeconds(60)), none -> java.util.List.of()).orElseThrow();

        Grant found = store().find(created.id()).orElseThrow();
        assertEquals(warned, found);
        assertEquals(active.expiresAt(), found.warnedFor());
        assertTrue(found.warnedOfCurrentEnd());
    }

    @Test
    void denialsAndEmergenciesRoundTrip() {
        Grant denied = store().update(store().create(request("need it for the outage"), none -> java.util.List.of())
                .denied("U0BOB", "use the read replica <!channel>", T0), none -> java.util.List.of()).orElseThrow();
        assertEquals(denied, store().find(denied.id()).orElseThrow());
        assertEquals(Optional.of("U0BOB"), denied.decidedBy());
        Grant glass = store().update(store().create(request("nobody answers, prod down"), none -> java.util.List.of())
                .brokenGlass(Duration.ofMinutes(10), T0), none -> java.util.List.of()).orElseThrow();
        Grant found = store().find(glass.id()).orElseThrow();
        assertTrue(found.emergency());
        assertEquals(Duration.ofMinutes(10), found.duration());
        assertEquals(glass, found);
    }

    @Test
    void aProvisioningAndItsRollbackRoundTrip() {
        Grant created = store().create(request("replica is stuck, need admin"), none -> java.util.List.of());
        Grant approved = store().update(store().update(created.approvedBy("U0BOB", T0), none -> java.util.List.of()).orElseThrow()
                .approvedBy("U0CAROL", T0), none -> java.util.List.of()).orElseThrow();
        Grant provisioning = store().update(approved.provisioningStarted(T0, T0.plusSeconds(120)), none -> java.util.List.of()).orElseThrow();
        assertEquals(provisioning, store().find(created.id()).orElseThrow());
        assertEquals(List.of(provisioning), store().findByState(java.util.EnumSet.of(GrantState.PROVISIONING)));
        assertEquals(Optional.of(T0.plusSeconds(120)), provisioning.revocation().leaseUntil());
        Grant claimed = store().update(provisioning.rollbackClaimed(Optional.of("{\"role\":\"bg_9\"}"),
                "the credentials could not be stored", T0.plusSeconds(1), T0.plusSeconds(121)), none -> java.util.List.of()).orElseThrow();
        Grant rolledBack = store().update(claimed.revocationSucceeded(T0.plusSeconds(2)), none -> java.util.List.of()).orElseThrow();
        Grant found = store().find(created.id()).orElseThrow();
        assertEquals(rolledBack, found);
        assertEquals(GrantState.ROLLED_BACK, found.state());
        assertEquals(Optional.of("the credentials could not be stored"), found.reason());
        assertEquals(Optional.of("{\"role\":\"bg_9\"}"), found.handle());
    }

    @Test
    void thePostMortemRoundTripsFromOpeningToSignOff() {
        Grant created = store().create(request("replica is stuck, need admin"), none -> java.util.List.of());
        Grant active = store().update(store().update(store().update(created.approvedBy("U0BOB", T0), none -> java.util.List.of()).orElseThrow()
                .approvedBy("U0CAROL", T0), none -> java.util.List.of()).orElseThrow().provisioningStarted(T0, T0).activated("h", T0), none -> java.util.List.of()).orElseThrow();
        Instant end = T0.plus(Duration.ofMinutes(30));
        Grant claimed = store().update(active.revocationClaimed(Optional.empty(), Optional.empty(), end,
                end.plusSeconds(60)), none -> java.util.List.of()).orElseThrow();
        Grant expired = store().update(claimed.revocationSucceeded(end), none -> java.util.List.of()).orElseThrow();
        Grant opened = store().update(expired.postMortemOpened(end, Optional.of(end.plus(Duration.ofHours(24)))), none -> java.util.List.of())
                .orElseThrow();
        assertEquals(opened, store().find(created.id()).orElseThrow());
        Grant reminded = store().update(opened.reviewReminded(end.plus(Duration.ofHours(24)),
                end.plus(Duration.ofHours(48))), none -> java.util.List.of()).orElseThrow();
        assertEquals(reminded, store().find(created.id()).orElseThrow());
        assertEquals(1, reminded.postMortem().reminders());

        java.util.Map<ReviewQuestion, String> answers = new java.util.EnumMap<>(ReviewQuestion.class);
        for (ReviewQuestion q : ReviewQuestion.values()) {
            answers.put(q, "naïve 🔥 <!channel> & \"quotes\"\nline two of " + q.key());
        }
        Instant written = end.plus(Duration.ofHours(25));
        Grant withReview = store().update(reminded.reviewWritten(new Review("U0ALICE", written, answers)), none -> java.util.List.of())
                .orElseThrow();
        Grant found = store().find(created.id()).orElseThrow();
        assertEquals(withReview, found);
        assertEquals(answers, found.postMortem().review().orElseThrow().answers());
        assertEquals(Optional.empty(), found.postMortem().nextReminderAt());

        Grant signed = store().update(found.reviewSignedOff("U0SECLEAD", written.plusSeconds(90)), none -> java.util.List.of()).orElseThrow();
        Grant reviewed = store().find(created.id()).orElseThrow();
        assertEquals(signed, reviewed);
        assertEquals(GrantState.REVIEWED, reviewed.state());
        assertEquals(Optional.of(new SignOff("U0SECLEAD", written.plusSeconds(90))), reviewed.postMortem().signOff());
    }

    /** A grant whose access expired at T0 + 30m and was removed then. */
    private Grant ended(String why) {
        Grant g = store().create(request(why), none -> java.util.List.of());
        g = store().update(store().update(g.approvedBy("U0BOB", T0), none -> java.util.List.of()).orElseThrow().approvedBy("U0CAROL", T0), none -> java.util.List.of())
                .orElseThrow();
        g = store().update(g.provisioningStarted(T0, T0).activated("h", T0), none -> java.util.List.of()).orElseThrow();
        Instant end = T0.plus(Duration.ofMinutes(30));
        g = store().update(g.revocationClaimed(Optional.empty(), Optional.empty(), end, end.plusSeconds(60)), none -> java.util.List.of())
                .orElseThrow();
        return store().update(g.revocationSucceeded(end), none -> java.util.List.of()).orElseThrow();
    }

    private List<GrantId> dueAt(Instant now, Grant... among) {
        List<GrantId> ids = java.util.Arrays.stream(among).map(Grant::id).toList();
        return store().findPostMortemsDue(now).stream().map(Grant::id).filter(ids::contains).toList();
    }

    @Test
    void postMortemsDueAreThoseNotOpenedAndThoseWithAReminderDue() {
        Instant end = T0.plus(Duration.ofMinutes(30));
        Grant notOpened = ended("one: not opened yet");
        Grant opened = store().update(ended("two: reminded tomorrow").postMortemOpened(end,
                Optional.of(end.plus(Duration.ofHours(24)))), none -> java.util.List.of()).orElseThrow();
        Grant optional = store().update(ended("three: review optional").postMortemOpened(end, Optional.empty()), none -> java.util.List.of())
                .orElseThrow();
        Grant pending = store().create(request("four: still pending"), none -> java.util.List.of());
        assertEquals(List.of(notOpened.id()), dueAt(end, notOpened, opened, optional, pending));
        assertEquals(List.of(notOpened.id(), opened.id()), dueAt(end.plus(Duration.ofHours(24)), notOpened, opened,
                optional, pending), "a reminder due exactly now is due");

        java.util.Map<ReviewQuestion, String> answers = new java.util.EnumMap<>(ReviewQuestion.class);
        for (ReviewQuestion q : ReviewQuestion.values()) {
            answers.put(q, "answer " + q.key());
        }
        store().update(opened.reviewWritten(new Review("U0ALICE", end.plusSeconds(5), answers)), none -> java.util.List.of()).orElseThrow();
        assertEquals(List.of(notOpened.id()), dueAt(end.plus(Duration.ofDays(3)), notOpened, opened, optional,
                pending), "a written review has no reminder");
    }

    @Test
    void updateFromAStaleVersionChangesNothing() {
        Grant created = store().create(request("database is down, need admin"), none -> java.util.List.of());
        assertTrue(store().update(created.movedTo(GrantState.APPROVED, T0), none -> java.util.List.of()).isPresent());
        Optional<Grant> stale = store().update(created.movedTo(GrantState.DENIED, T0), none -> java.util.List.of());
        assertEquals(Optional.empty(), stale);
        assertEquals(GrantState.APPROVED, store().find(created.id()).orElseThrow().state());
    }

    @Test
    void updateOfAGrantThatDoesNotExistIsEmpty() {
        Grant created = store().create(request("database is down, need admin"), none -> java.util.List.of());
        Grant ghost = Grant.pending(new GrantId(Long.MAX_VALUE - 1), request("a grant that was never stored"))
                .cancelled(T0);
        assertEquals(Optional.empty(), store().update(ghost, none -> java.util.List.of()));
    }

    @Test
    void racingWritersFromTheSameVersionProduceExactlyOneWinner() throws Exception {
        Grant created = store().create(request("two approvers click at once"), none -> java.util.List.of());
        int writers = 12;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Optional<Grant>>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                GrantState outcome = i % 2 == 0 ? GrantState.APPROVED : GrantState.DENIED;
                results.add(pool.submit(() -> {
                    start.await();
                    return store().update(created.movedTo(outcome, T0.plus(1, ChronoUnit.SECONDS)), none -> java.util.List.of());
                }));
            }
            start.countDown();
            int winners = 0;
            GrantState won = null;
            for (Future<Optional<Grant>> r : results) {
                Optional<Grant> g = r.get();
                if (g.isPresent()) {
                    winners++;
                    won = g.get().state();
                }
            }
            assertEquals(1, winners);
            Grant stored = store().find(created.id()).orElseThrow();
            assertEquals(won, stored.state());
            assertEquals(2, stored.version());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void findByStateListsOnlyThoseStatesOldestFirst() {
        Grant a = store().create(request("first of three grants"), none -> java.util.List.of());
        Grant b = store().create(request("second of three grants"), none -> java.util.List.of());
        Grant c = store().create(request("third of three grants"), none -> java.util.List.of());
        store().update(b.movedTo(GrantState.CANCELLED, T0), none -> java.util.List.of()).orElseThrow();
        List<GrantId> pending = store().findByState(EnumSet.of(GrantState.PENDING)).stream().map(Grant::id).toList();
        assertTrue(pending.indexOf(a.id()) >= 0 && pending.indexOf(a.id()) < pending.indexOf(c.id()), pending.toString());
        assertTrue(!pending.contains(b.id()), pending.toString());
        assertTrue(store().findByState(EnumSet.of(GrantState.CANCELLED)).stream().anyMatch(g -> g.id().equals(b.id())));
        assertEquals(List.of(), store().findByState(EnumSet.noneOf(GrantState.class)));
    }
}

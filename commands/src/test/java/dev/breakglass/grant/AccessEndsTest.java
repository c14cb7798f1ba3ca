package dev.breakglass.grant;

import dev.breakglass.testing.ManualClock;

import dev.breakglass.event.GrantEvent;
import dev.breakglass.policy.Channels;
import dev.breakglass.policy.EmergencyPolicy;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Access that always ends: expiry, early revoke, failing targets, extensions, the sweeper. */
class AccessEndsTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String ALICE = "U0ALICE";
    private static final String BOB = "U0BOB";
    private static final String CAROL = "U0CAROL";
    private static final String SECURITY = "U0SECLEAD";
    private static final String MALLORY = "U0MALLORY";
    private static final String WHY = "orders DB is down, need to restart the replica";

    private final ManualClock clock = new ManualClock(T0);
    private final Fakes.MemoryGrantStore store = new Fakes.MemoryGrantStore();
    private final Fakes.RecordingTarget target = new Fakes.RecordingTarget();
    private final Fakes.Events events = store.events;
    private final Fakes.Timers timers = new Fakes.Timers();
    private final Fakes.Vault vault = new Fakes.Vault();
    private final Fakes.UseCases grants = Fakes.useCases(store, policy(), new Fakes.People(), target, vault,
            timers, clock, new RevocationTimings(Duration.ofMinutes(2), Duration.ofSeconds(15), Duration.ofMinutes(10)));

    private static Policy policy() {
        Map<String, TargetPolicy> targets = new LinkedHashMap<>();
        targets.put("orders-db", TargetPolicy.builder("orders-db", "webhook", Duration.ofHours(1),
                        List.of(new Principal.UserId(BOB), new Principal.UserId(CAROL)))
                .requesters(new Principal.UserId(ALICE)).revokers(new Principal.UserId(SECURITY))
                .emergency(new EmergencyPolicy(Duration.ofMinutes(10), Duration.ofMinutes(30))).build());
        return new Policy(new Channels("C0APPROVALS", List.of("C0SECURITY")), targets);
    }

    /** An active grant of {@code minutes}, approved by Bob. */
    private Grant active(int minutes) {
        Grant g = ((Outcome.Done) grants.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                Optional.of(Duration.ofMinutes(minutes)), WHY, Optional.empty()))).grant();
        grants.requests().approve(g.id(), BOB);
        return ((Outcome.Done) grants.access().provision(g.id())).grant();
    }

    private List<Fakes.Timer> timers(GrantId id, GrantScheduler.Due due) {
        return timers.scheduled.stream().filter(t -> t.grant().equals(id) && t.due() == due).toList();
    }

    @Test
    void activationSchedulesTheExpiryAndAWarningFiveMinutesBefore() {
        Grant g = active(30);
        assertEquals(List.of(new Fakes.Timer(g.id(), GrantScheduler.Due.EXPIRE, T0.plus(Duration.ofMinutes(30)))),
                timers(g.id(), GrantScheduler.Due.EXPIRE));
        assertEquals(T0.plus(Duration.ofMinutes(25)), timers(g.id(), GrantScheduler.Due.WARN).get(0).when());
    }

    @Test
    void shortGrantsAreWarnedAtHalfTime() {
        Grant g = active(6);
        assertEquals(T0.plus(Duration.ofMinutes(3)), timers(g.id(), GrantScheduler.Due.WARN).get(0).when());
        assertInstanceOf(Outcome.Unchanged.class, grants.access().warn(g.id()), "not yet");
        clock.advance(Duration.ofMinutes(3));
        assertInstanceOf(Outcome.Done.class, grants.access().warn(g.id()));
        assertTrue(events.kinds().contains(GrantEvent.ExpiryWarned.class));
    }

    @Test
    void theWarningIsSentOncePerEndEvenWhenItsTimerFiresAgain() {
        Grant g = active(30);
        clock.advance(Duration.ofMinutes(25));
        assertInstanceOf(Outcome.Done.class, grants.access().warn(g.id()));
        assertInstanceOf(Outcome.Unchanged.class, grants.access().warn(g.id()), "a re-fired timer, another replica");
        assertEquals(1, events.published.stream().filter(GrantEvent.ExpiryWarned.class::isInstance).count());
        assertEquals(store.find(g.id()).orElseThrow().expiresAt(), store.find(g.id()).orElseThrow().warnedFor(),
                "saved with the end it warned about");

        grants.extensions().requestExtension(g.id(), ALICE, Duration.ofMinutes(20), WHY);
        grants.extensions().approveExtension(g.id(), CAROL);
        clock.advance(Duration.ofMinutes(20));
        assertInstanceOf(Outcome.Done.class, grants.access().warn(g.id()), "the new end gets its own warning");
        assertEquals(2, events.published.stream().filter(GrantEvent.ExpiryWarned.class::isInstance).count());
    }

    @Test
    void expiryRemovesTheAccessOnlyOnceTheWindowIsOverAndOnlyOnce() {
        Grant g = active(30);
        clock.advance(Duration.ofMinutes(29));
        assertInstanceOf(Outcome.Unchanged.class, grants.access().expire(g.id()));
        assertEquals(List.of(), target.revokes);
        clock.advance(Duration.ofMinutes(1).plusSeconds(3));
        Grant ended = ((Outcome.Done) grants.access().expire(g.id())).grant();
        assertEquals(GrantState.EXPIRED, ended.state());
        assertEquals(List.of(g.id()), target.revokes);
        assertInstanceOf(Outcome.Unchanged.class, grants.access().expire(g.id()));
        assertEquals(1, target.revokes.size(), "a second expiry changes nothing");
        GrantEvent.Expired expired = (GrantEvent.Expired) events.published.stream()
                .filter(e -> e instanceof GrantEvent.Expired).findFirst().orElseThrow();
        assertEquals(Duration.ofSeconds(3), expired.lag(), "confirmed removal − expires_at");
        assertFalse(vault.sealed.containsKey(g.id()), "credentials destroyed");
    }

    @Test
    void theRequesterAnApproverOrARevokerMayEndItEarlyAndNobodyElse() {
        Grant g = active(30);
        assertInstanceOf(Outcome.Refused.class, grants.access().revoke(g.id(), MALLORY, Optional.empty()));
        assertEquals(List.of(), target.revokes);
        Grant revoked = ((Outcome.Done) grants.access().revoke(g.id(), ALICE, Optional.of("done, replica restarted"))).grant();
        assertEquals(GrantState.REVOKED, revoked.state());
        assertEquals(Optional.of(ALICE), revoked.revocation().revokedBy());
        assertEquals(Optional.of("done, replica restarted"), revoked.revocation().reason());
        assertInstanceOf(Outcome.Unchanged.class, grants.access().revoke(g.id(), ALICE, Optional.empty()));

        Grant other = active(30);
        assertEquals(GrantState.REVOKED, ((Outcome.Done) grants.access().revoke(other.id(), SECURITY, Optional.empty()))
                .grant().state());
        Grant third = active(30);
        assertEquals(GrantState.REVOKED, ((Outcome.Done) grants.access().revoke(third.id(), CAROL, Optional.empty()))
                .grant().state());
    }

    @Test
    void aFailingTargetIsRetriedWithBackoffUntilItWorksAndEveryAttemptIsAnEvent() {
        Grant g = active(30);
        target.failRevokes = 3;
        Grant failing = ((Outcome.Done) grants.access().revoke(g.id(), ALICE, Optional.empty())).grant();
        assertEquals(GrantState.REVOKE_FAILED, failing.state());
        assertEquals(Optional.of("target unreachable"), failing.revocation().lastError());
        assertEquals(Optional.of(T0.plusSeconds(15)), failing.revocation().nextAttemptAt());

        assertInstanceOf(Outcome.Unchanged.class, grants.access().retryRevocation(g.id()), "not before the backoff");
        clock.advance(Duration.ofSeconds(15));
        assertEquals(Optional.of(clock.instant().plusSeconds(30)),
                ((Outcome.Done) grants.access().retryRevocation(g.id())).grant().revocation().nextAttemptAt());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(Optional.of(clock.instant().plusSeconds(60)),
                ((Outcome.Done) grants.access().retryRevocation(g.id())).grant().revocation().nextAttemptAt());
        clock.advance(Duration.ofSeconds(60));
        Grant done = ((Outcome.Done) grants.access().retryRevocation(g.id())).grant();
        assertEquals(GrantState.REVOKED, done.state(), "an early revoke ends REVOKED even after failures");
        assertEquals(4, done.revocation().attempts());

        List<GrantEvent.RevocationFailed> failures = events.published.stream()
                .filter(e -> e instanceof GrantEvent.RevocationFailed).map(e -> (GrantEvent.RevocationFailed) e).toList();
        assertEquals(List.of(1, 2, 3), failures.stream().map(GrantEvent.RevocationFailed::attempt).toList());
        assertEquals(List.of(true, false, false), failures.stream().map(GrantEvent.RevocationFailed::first).toList());
        assertTrue(events.kinds().contains(GrantEvent.RevocationRecovered.class));
        assertEquals(3, timers(g.id(), GrantScheduler.Due.REVOKE_RETRY).size());
    }

    @Test
    void theLagIsMeasuredUntilTheTargetConfirmedTheRemovalSoASlowRevokeCountsInFull() {
        Fakes.RecordingTarget slow = new Fakes.RecordingTarget() {
            @Override
            public synchronized void revoke(dev.breakglass.port.Provisioned provisioned)
                    throws dev.breakglass.port.TargetException {
                clock.advance(Duration.ofSeconds(90));
                super.revoke(provisioned);
            }

            @Override
            public synchronized boolean verifyRevoked(dev.breakglass.port.Provisioned provisioned) {
                clock.advance(Duration.ofSeconds(2));
                return super.verifyRevoked(provisioned);
            }
        };
        Fakes.UseCases service = Fakes.useCases(store, policy(), new Fakes.People(), slow, vault, timers, clock);
        Grant g = ((Outcome.Done) service.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                Optional.of(Duration.ofMinutes(10)), WHY, Optional.empty()))).grant();
        service.requests().approve(g.id(), BOB);
        service.access().provision(g.id());
        clock.advance(Duration.ofMinutes(10).plusMillis(20));
        assertInstanceOf(Outcome.Done.class, service.access().expire(g.id()));
        GrantEvent.Expired expired = (GrantEvent.Expired) events.published.stream()
                .filter(e -> e instanceof GrantEvent.Expired).findFirst().orElseThrow();
        assertEquals(Duration.ofSeconds(92).plusMillis(20), expired.lag(), "the revoke's 90 s and verify's 2 s count");
    }

    @Test
    void theBackoffDoublesAndIsCapped() {
        RevocationTimings t = new RevocationTimings(Duration.ofMinutes(2), Duration.ofSeconds(15), Duration.ofMinutes(10));
        assertEquals(List.of(15L, 30L, 60L, 120L, 240L, 480L, 600L, 600L),
                java.util.stream.IntStream.rangeClosed(1, 8).mapToObj(t::backoff).map(Duration::getSeconds).toList());
    }

    @Test
    void aTargetThatStillGrantsAccessAfterRevokeIsAFailure() {
        Grant g = active(30);
        target.verifyLies = true;
        Grant failing = ((Outcome.Done) grants.access().revoke(g.id(), ALICE, Optional.empty())).grant();
        assertEquals(GrantState.REVOKE_FAILED, failing.state());
        assertTrue(failing.revocation().lastError().orElseThrow().contains("still grants access"));
    }

    @Test
    void revokeReasonsAndResolveNotesFollowTheFreeTextRules() {
        Grant g = active(30);
        target.failRevokes = 100;
        Outcome hidden = grants.access().revoke(g.id(), ALICE, Optional.of("done \u202Eevil"));
        assertInstanceOf(Outcome.Refused.class, hidden);
        assertTrue(ShippedWords.of(hidden.reply()).contains("U+202E"), ShippedWords.of(hidden.reply()));
        assertEquals(GrantState.ACTIVE, store.find(g.id()).orElseThrow().state(), "nothing changed");
        grants.access().revoke(g.id(), ALICE, Optional.empty());
        Outcome note = grants.access().resolveRevocation(g.id(), SECURITY, "x".repeat(1001));
        assertInstanceOf(Outcome.Refused.class, note);
        assertTrue(ShippedWords.of(note.reply()).contains("too long"), ShippedWords.of(note.reply()));
        assertEquals(GrantState.REVOKE_FAILED, store.find(g.id()).orElseThrow().state(), "nothing changed");
    }

    @Test
    void onlyARevokerMayResolveAFailedRevocationByHand() {
        Grant g = active(30);
        target.failRevokes = 100;
        grants.access().revoke(g.id(), ALICE, Optional.empty());
        assertInstanceOf(Outcome.Refused.class, grants.access().resolveRevocation(g.id(), BOB, "fixed it"));
        Grant resolved = ((Outcome.Done) grants.access().resolveRevocation(g.id(), SECURITY, "dropped the role by hand")).grant();
        assertEquals(GrantState.REVOKED, resolved.state());
        assertTrue(events.kinds().contains(GrantEvent.RevocationResolved.class));
        clock.advance(Duration.ofHours(1));
        assertInstanceOf(Outcome.Unchanged.class, grants.access().retryRevocation(g.id()), "retries stop");
    }

    @Test
    void aLiveClaimBlocksASecondRevokerAndADeadClaimIsTakenOverAskingTheTargetFirst() {
        Grant g = active(30);
        clock.advance(Duration.ofMinutes(30));
        // Another process claimed it and died after revoking at the target.
        Grant claimed = store.update(store.find(g.id()).orElseThrow()
                .revocationClaimed(Optional.empty(), Optional.empty(), clock.instant(), clock.instant().plusSeconds(120)),
                        saved -> List.of()).orElseThrow();
        target.live.remove(g.id());
        assertInstanceOf(Outcome.Unchanged.class, grants.access().expire(g.id()), "claimed by a live process");
        assertEquals(0, grants.access().sweep(), "the sweeper leaves live claims alone");
        clock.advance(Duration.ofSeconds(121));
        assertEquals(1, grants.access().sweep());
        assertEquals(GrantState.EXPIRED, store.find(g.id()).orElseThrow().state());
        assertEquals(List.of(), target.revokes, "already gone at the target: not revoked twice");
        assertEquals(2, store.find(g.id()).orElseThrow().revocation().attempts());
        assertEquals(1, claimed.revocation().attempts());
    }

    @Test
    void theSweeperRevokesOverdueAccessATimerMissedAndTimesOutOldRequests() {
        Grant overdue = active(10);
        Grant pending = ((Outcome.Done) grants.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                Optional.empty(), WHY, Optional.empty()))).grant();
        clock.advance(Duration.ofMinutes(31));
        assertEquals(2, grants.access().sweep());
        assertEquals(GrantState.EXPIRED, store.find(overdue.id()).orElseThrow().state());
        assertEquals(GrantState.TIMED_OUT, store.find(pending.id()).orElseThrow().state());
        assertEquals(0, grants.access().sweep(), "nothing left to do");
    }

    @Test
    void theSweeperRevokesOverdueGrantsSideBySideOnTheExecutorItIsGiven() throws Exception {
        java.util.concurrent.CountDownLatch bothRevoking = new java.util.concurrent.CountDownLatch(2);
        Fakes.RecordingTarget meeting = new Fakes.RecordingTarget() {
            @Override
            public void revoke(dev.breakglass.port.Provisioned provisioned) throws dev.breakglass.port.TargetException {
                bothRevoking.countDown();
                try {
                    // Returns only once the other grant's revoke started too: one after another, it never would.
                    if (!bothRevoking.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new dev.breakglass.port.TargetException("revoked one after another");
                    }
                } catch (InterruptedException e) {
                    throw new dev.breakglass.port.TargetException("interrupted");
                }
                super.revoke(provisioned);
            }
        };
        Fakes.UseCases service = Fakes.useCases(store, policy(), new Fakes.People(), meeting, vault, timers,
                clock);
        List<GrantId> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Grant g = ((Outcome.Done) service.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                    Optional.of(Duration.ofMinutes(10)), WHY, Optional.empty()))).grant();
            service.requests().approve(g.id(), BOB);
            service.access().provision(g.id());
            ids.add(g.id());
        }
        clock.advance(Duration.ofMinutes(11));
        java.util.concurrent.ExecutorService work = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            java.util.concurrent.CompletableFuture<Integer> swept = service.access().sweep(work);
            assertEquals(2, swept.get(20, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            work.shutdownNow();
        }
        ids.forEach(id -> assertEquals(GrantState.EXPIRED, store.find(id).orElseThrow().state()));
    }

    @Test
    void anExtensionNeedsApprovalAndMovesTheEnd() {
        Grant g = active(30);
        assertInstanceOf(Outcome.Refused.class, grants.extensions().requestExtension(g.id(), BOB, Duration.ofMinutes(10), WHY));
        assertInstanceOf(Outcome.Done.class, grants.extensions().requestExtension(g.id(), ALICE, Duration.ofMinutes(15), WHY));
        assertInstanceOf(Outcome.Unchanged.class, grants.extensions().requestExtension(g.id(), ALICE, Duration.ofMinutes(5), WHY));
        assertInstanceOf(Outcome.Refused.class, grants.extensions().approveExtension(g.id(), ALICE), "not your own");
        assertInstanceOf(Outcome.Refused.class, grants.extensions().approveExtension(g.id(), MALLORY));
        Grant extended = ((Outcome.Done) grants.extensions().approveExtension(g.id(), CAROL)).grant();
        assertEquals(Duration.ofMinutes(45), extended.duration());
        assertEquals(Optional.of(T0.plus(Duration.ofMinutes(45))), extended.expiresAt());
        assertEquals(T0.plus(Duration.ofMinutes(45)), timers(g.id(), GrantScheduler.Due.EXPIRE).get(1).when());
        clock.advance(Duration.ofMinutes(30));
        assertInstanceOf(Outcome.Unchanged.class, grants.access().expire(g.id()), "the old expiry no longer applies");
    }

    @Test
    void whereTheAccessCarriesItsEndTheTargetMovesItBeforeTheBotDoes() {
        target.extending = Extending.MOVES_THE_END;
        target.extendCredentials = new Credentials(Map.of("certificate", "new-window"));
        Grant g = active(30);
        grants.extensions().requestExtension(g.id(), ALICE, Duration.ofMinutes(15), WHY);

        Grant approved = ((Outcome.Done) grants.extensions().approveExtension(g.id(), CAROL)).grant();

        assertEquals(Optional.of(T0.plus(Duration.ofMinutes(30))), approved.expiresAt(), "not before the target moved");
        assertTrue(approved.extensionApproved());
        assertEquals(1, timers(g.id(), GrantScheduler.Due.EXTEND).size());
        assertInstanceOf(Outcome.Unchanged.class, grants.extensions().approveExtension(g.id(), BOB), "already approved");

        Grant extended = ((Outcome.Done) grants.extensions().extendAtTarget(g.id())).grant();

        assertEquals(List.of(T0.plus(Duration.ofMinutes(45))), target.extendedTo);
        assertEquals(Optional.of(T0.plus(Duration.ofMinutes(45))), extended.expiresAt());
        assertTrue(extended.extension().isEmpty());
        assertEquals(T0.plus(Duration.ofMinutes(45)), timers(g.id(), GrantScheduler.Due.EXPIRE).get(1).when());
        GrantEvent.Extended event = events.last(GrantEvent.Extended.class);
        assertEquals(CAROL, event.approver());
        assertEquals(Optional.of(target.extendCredentials.fingerprint()), event.credentialsFingerprint());
        assertInstanceOf(Outcome.Unchanged.class, grants.extensions().extendAtTarget(g.id()), "a re-fired job does nothing");
        assertEquals(1, target.extendedTo.size());
    }

    @Test
    void anExtendTheTargetRefusesKeepsTheOldEndAndTellsWhy() {
        target.extending = Extending.MOVES_THE_END;
        target.failExtendWith = "the login is gone";
        Grant g = active(30);
        grants.extensions().requestExtension(g.id(), ALICE, Duration.ofMinutes(15), WHY);
        grants.extensions().approveExtension(g.id(), CAROL);

        Outcome failed = grants.extensions().extendAtTarget(g.id());

        Grant after = store.find(g.id()).orElseThrow();
        assertEquals(Optional.of(T0.plus(Duration.ofMinutes(30))), after.expiresAt());
        assertTrue(after.extension().isEmpty());
        assertTrue(ShippedWords.of(failed.reply()).contains("the login is gone"), ShippedWords.of(failed.reply()));
        assertEquals("the login is gone", events.last(GrantEvent.ExtensionFailed.class).error());
    }

    @Test
    void aTargetThatCannotExtendRefusesTheRequestAndTheSweeperRetriesALostExtend() {
        target.extending = Extending.UNSUPPORTED;
        Grant g = active(30);
        Outcome refused = grants.extensions().requestExtension(g.id(), ALICE, Duration.ofMinutes(15), WHY);
        assertInstanceOf(Outcome.Refused.class, refused);
        assertTrue(ShippedWords.of(refused.reply()).contains("cannot be extended"), ShippedWords.of(refused.reply()));

        target.extending = Extending.MOVES_THE_END;
        grants.extensions().requestExtension(g.id(), ALICE, Duration.ofMinutes(15), WHY);
        grants.extensions().approveExtension(g.id(), CAROL);
        clock.advance(Duration.ofMinutes(3));
        grants.access().sweep();
        assertEquals(2, timers(g.id(), GrantScheduler.Due.EXTEND).size(), "the job that died is scheduled again");
    }

    @Test
    void anExtensionBeyondTheMaximumTotalIsRefusedAndADeniedOneChangesNothing() {
        Grant g = active(50);
        Outcome tooMuch = grants.extensions().requestExtension(g.id(), ALICE, Duration.ofMinutes(15), WHY);
        assertTrue(ShippedWords.of(tooMuch.reply()).contains("would make 1h5m in total; the most for orders-db is 1h. Ask for at"
                + " most 10m"), ShippedWords.of(tooMuch.reply()));
        grants.extensions().requestExtension(g.id(), ALICE, Duration.ofMinutes(10), WHY);
        assertInstanceOf(Outcome.Refused.class, grants.extensions().denyExtension(g.id(), BOB, " "));
        Grant denied = ((Outcome.Done) grants.extensions().denyExtension(g.id(), BOB, "fix it in the next window")).grant();
        assertEquals(Duration.ofMinutes(50), denied.duration());
        assertTrue(denied.extension().isEmpty());
    }

    @Test
    void theSweeperReschedulesProvisioningForAnApprovedGrantThatLostItsTimer() {
        Grant g = ((Outcome.Done) grants.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                Optional.empty(), WHY, Optional.empty()))).grant();
        grants.requests().approve(g.id(), BOB);
        timers.scheduled.clear();
        assertEquals(0, grants.access().sweep(), "not stuck yet");
        clock.advance(Duration.ofMinutes(2));
        assertEquals(1, grants.access().sweep());
        assertEquals(1, timers(g.id(), GrantScheduler.Due.PROVISION).size());
    }
}

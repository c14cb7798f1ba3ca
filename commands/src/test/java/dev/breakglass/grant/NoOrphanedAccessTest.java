package dev.breakglass.grant;

import dev.breakglass.testing.ManualClock;

import dev.breakglass.event.GrantEvent;
import dev.breakglass.policy.Channels;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.GrantScheduler;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Access the target made is never left behind: whatever fails after the adapter's grant succeeded takes it back
 * (ROLLED_BACK), and a grant a dead process left PROVISIONING is rolled back by the sweeper.
 */
class NoOrphanedAccessTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String ALICE = "U0ALICE";
    private static final String BOB = "U0BOB";
    private static final String WHY = "orders DB is down, need to restart the replica";

    private final ManualClock clock = new ManualClock(T0);
    private final FailingStore store = new FailingStore();
    private final Fakes.RecordingTarget target = new Fakes.RecordingTarget();
    private final Fakes.Events events = store.events;
    private final Fakes.Timers timers = new Fakes.Timers();
    private final FailingVault vault = new FailingVault();
    private final Fakes.UseCases grants = Fakes.useCases(store, policy(), new Fakes.People(), target, vault,
            timers, clock, new RevocationTimings(Duration.ofMinutes(2), Duration.ofSeconds(15), Duration.ofMinutes(10)));

    private static Policy policy() {
        return new Policy(new Channels("C0APPROVALS", List.of("C0SECURITY")), Map.of("orders-db",
                TargetPolicy.builder("orders-db", "webhook", Duration.ofHours(1), List.of(new Principal.UserId(BOB)))
                        .requesters(new Principal.UserId(ALICE)).build()));
    }

    /** A store that fails the save that would make a grant ACTIVE, as a database error would. */
    static final class FailingStore extends Fakes.MemoryGrantStore {
        boolean failActivation;
        final List<GrantState> seenByTheAdapter = new ArrayList<>();

        @Override
        public synchronized Optional<Grant> update(Grant changed,
                                                   java.util.function.Function<Grant, List<GrantEvent>> events) {
            if (failActivation && changed.state() == GrantState.ACTIVE) {
                throw new IllegalStateException("connection reset");
            }
            return super.update(changed, events);
        }
    }

    static final class FailingVault extends Fakes.Vault {
        boolean fail;

        @Override
        public void seal(GrantId grant, Credentials credentials) {
            if (fail) {
                throw new IllegalArgumentException("vault unavailable");
            }
            super.seal(grant, credentials);
        }
    }

    private Grant approved() {
        Grant g = ((Outcome.Done) grants.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                Optional.of(Duration.ofMinutes(30)), WHY, Optional.empty()))).grant();
        grants.requests().approve(g.id(), BOB);
        return g;
    }

    private GrantState state(Grant g) {
        return store.find(g.id()).orElseThrow().state();
    }

    @Test
    void provisioningIsSavedBeforeTheTargetIsAskedAndReleasedOnceActive() {
        Grant g = approved();
        Fakes.RecordingTarget watching = new Fakes.RecordingTarget() {
            @Override
            public synchronized Provisioned grant(GrantRequest request) throws TargetException {
                store.seenByTheAdapter.add(store.find(request.id()).orElseThrow().state());
                return super.grant(request);
            }
        };
        Fakes.UseCases service = Fakes.useCases(store, policy(), new Fakes.People(), watching, vault,
                timers, clock);
        Grant active = ((Outcome.Done) service.access().provision(g.id())).grant();
        assertEquals(List.of(GrantState.PROVISIONING), store.seenByTheAdapter);
        assertEquals(GrantState.ACTIVE, active.state());
        assertTrue(active.revocation().leaseUntil().isEmpty(), "the provisioning lease is released");
        assertInstanceOf(Outcome.Unchanged.class, service.access().provision(g.id()), "a re-fired job does nothing");
        assertEquals(1, watching.grants.size());
    }

    @Test
    void credentialsThatCannotBeSealedAreTakenBack() {
        Grant g = approved();
        vault.fail = true;
        Outcome outcome = grants.access().provision(g.id());
        assertInstanceOf(Outcome.Done.class, outcome);
        assertEquals(GrantState.ROLLED_BACK, state(g));
        assertEquals(List.of(g.id()), target.revokes);
        assertFalse(target.live.contains(g.id()), "the access is gone at the target");
        GrantEvent.RolledBack rolledBack = (GrantEvent.RolledBack) events.published.stream()
                .filter(e -> e instanceof GrantEvent.RolledBack).findFirst().orElseThrow();
        assertEquals("the credentials could not be stored (IllegalArgumentException)", rolledBack.reason());
        assertFalse(events.kinds().contains(GrantEvent.Activated.class));
        assertTrue(GrantState.ROLLED_BACK.isFinal());
        assertTrue(timers.scheduled.stream().noneMatch(t -> t.due() == GrantScheduler.Due.REVIEW),
                "nothing to review: the requester never had the access");
    }

    @Test
    void credentialsThatAreNotValidUnicodeFailTheGrantWithAClearMessageAndNoException() {
        Grant g = approved();
        target.credentials = new Credentials(Map.of("password", "ab\uD800cd"));
        Outcome outcome = grants.access().provision(g.id());
        assertInstanceOf(Outcome.Done.class, outcome);
        Grant rolledBack = store.find(g.id()).orElseThrow();
        assertEquals(GrantState.ROLLED_BACK, rolledBack.state());
        assertEquals(Optional.of("the credentials from orders-db cannot be stored: the credential \"password\" is"
                + " not valid Unicode text"), rolledBack.reason());
        assertFalse(rolledBack.reason().orElseThrow().contains("ab"), "never the value");
        assertTrue(vault.sealed.isEmpty());
        assertEquals(List.of(g.id()), target.revokes);
    }

    @Test
    void anActivationTheStoreCannotSaveIsTakenBack() {
        Grant g = approved();
        store.failActivation = true;
        grants.access().provision(g.id());
        Grant rolledBack = store.find(g.id()).orElseThrow();
        assertEquals(GrantState.ROLLED_BACK, rolledBack.state());
        assertEquals(Optional.of("{\"account\":\"bg-" + g.id().value() + "\"}"), rolledBack.handle(),
                "the handle is kept: revoke needs it, and so does the record");
        assertEquals(List.of(g.id()), target.revokes);
        assertTrue(vault.sealed.isEmpty(), "sealed credentials destroyed");
    }

    @Test
    void aGrantCallThatGotNoAnswerInTimeIsTakenBackSinceTheTargetMayHaveMadeIt() {
        Grant g = approved();
        List<String> handles = new ArrayList<>();
        Fakes.RecordingTarget late = new Fakes.RecordingTarget() {
            @Override
            public synchronized Provisioned grant(GrantRequest request) throws TargetException {
                super.grant(request);
                throw new dev.breakglass.port.TargetTimeoutException("orders-db did not answer the grant within 30s");
            }

            @Override
            public synchronized void revoke(Provisioned provisioned) throws TargetException {
                handles.add(provisioned.handle());
                super.revoke(provisioned);
            }
        };
        Fakes.UseCases service = Fakes.useCases(store, policy(), new Fakes.People(), late, vault, timers,
                clock);
        service.access().provision(g.id());
        Grant rolledBack = store.find(g.id()).orElseThrow();
        assertEquals(GrantState.ROLLED_BACK, rolledBack.state());
        assertEquals(Optional.of("orders-db did not answer the grant within 30s"), rolledBack.reason());
        assertEquals(List.of("{}"), handles, "no handle came back: the adapter finds the access by grant id");
        assertTrue(rolledBack.handle().isEmpty());
        assertFalse(late.live.contains(g.id()));
    }

    @Test
    void aRollbackWhoseRevokeFailsIsRetriedAndAlertedLikeAnyRevocation() {
        Grant g = approved();
        vault.fail = true;
        target.failRevokes = 1;
        grants.access().provision(g.id());
        Grant failing = store.find(g.id()).orElseThrow();
        assertEquals(GrantState.REVOKE_FAILED, failing.state());
        GrantEvent.RevocationFailed alert = (GrantEvent.RevocationFailed) events.published.stream()
                .filter(e -> e instanceof GrantEvent.RevocationFailed).findFirst().orElseThrow();
        assertTrue(alert.first(), "the first failure alerts the notify channels");
        Instant retry = failing.revocation().nextAttemptAt().orElseThrow();
        assertTrue(timers.scheduled.contains(new Fakes.Timer(g.id(), GrantScheduler.Due.REVOKE_RETRY, retry)));
        clock.advance(Duration.ofSeconds(15));
        assertInstanceOf(Outcome.Done.class, grants.access().retryRevocation(g.id()));
        assertEquals(GrantState.ROLLED_BACK, state(g));
        assertTrue(events.kinds().containsAll(List.of(GrantEvent.RolledBack.class,
                GrantEvent.RevocationRecovered.class)));
    }

    @Test
    void aGrantADeadProcessLeftProvisioningIsTakenBackByTheSweeperAfterTheLease() {
        Grant g = approved();
        // The process saved PROVISIONING, the target made the access, and the process died before saving ACTIVE.
        Grant provisioning = store.update(store.find(g.id()).orElseThrow()
                .provisioningStarted(clock.instant(), clock.instant().plus(Duration.ofMinutes(2))), saved -> List.of())
                .orElseThrow();
        target.live.add(g.id());
        assertEquals(0, grants.access().sweep(), "the lease is live: the process may still be working");
        assertInstanceOf(Outcome.Unchanged.class, grants.access().revoke(g.id(), ALICE, Optional.empty()));
        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        assertEquals(1, grants.access().sweep());
        Grant rolledBack = store.find(g.id()).orElseThrow();
        assertEquals(GrantState.ROLLED_BACK, rolledBack.state());
        assertEquals(Optional.of(AccessService.ABANDONED), rolledBack.reason());
        assertEquals(List.of(g.id(), g.id()), target.verifies, "asked first, then verified after the revoke");
        assertEquals(List.of(g.id()), target.revokes);
        assertFalse(target.live.contains(g.id()));
        assertEquals(0, grants.access().sweep(), "nothing left to do");
        assertEquals(GrantState.PROVISIONING, provisioning.state());
    }

    @Test
    void anAbandonedProvisioningThatMadeNothingIsClosedWithoutARevoke() {
        Grant g = approved();
        store.update(store.find(g.id()).orElseThrow()
                .provisioningStarted(clock.instant(), clock.instant().plus(Duration.ofMinutes(2))), saved -> List.of())
                .orElseThrow();
        clock.advance(Duration.ofMinutes(3));
        assertEquals(1, grants.access().sweep());
        assertEquals(GrantState.ROLLED_BACK, state(g));
        assertEquals(List.of(), target.revokes, "the target said it holds nothing");
    }
}

package dev.breakglass.grant;

import dev.breakglass.testing.ManualClock;

import dev.breakglass.policy.Channels;
import dev.breakglass.policy.EmergencyPolicy;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.StepUpPolicy;
import dev.breakglass.policy.StepUpRule;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.StepUp;
import dev.breakglass.port.StepUpAttempts;
import dev.breakglass.stepup.StepUpProof;
import dev.breakglass.stepup.StepUpService;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core enforces step-up, not the Slack side: where the policy asks for it, request, approve and break glass are
 * refused without a proof from {@link StepUpService} for the person acting, fresh; nothing changes then. With one,
 * the grant records who passed.
 */
class StepUpGuardTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String ALICE = "U0ALICE";
    private static final String BOB = "U0BOB";
    private static final String WHY = "orders DB is down, need to restart the replica";

    private final ManualClock clock = new ManualClock(T0);
    private final Fakes.MemoryGrantStore store = new Fakes.MemoryGrantStore();
    private final Fakes.People people = new Fakes.People();
    private final Policy policy = policy();
    private final Fakes.UseCases grants = Fakes.useCases(store, policy, people, new Fakes.RecordingTarget(),
            new Fakes.Vault(), new Fakes.Timers(), clock);
    private final StepUpService stepUps = new StepUpService(policy, new CodeIsTheUser(), new Attempts(), e -> { },
            people, clock);

    private static Policy policy() {
        Map<String, TargetPolicy> targets = new LinkedHashMap<>();
        targets.put("orders-db", TargetPolicy.builder("orders-db", "webhook", Duration.ofHours(1),
                        List.of(new Principal.UserId(BOB))).requesters(new Principal.UserId(ALICE))
                .emergency(new EmergencyPolicy(Duration.ofMinutes(10), Duration.ofMinutes(30)))
                .stepUp(StepUpRule.APPROVER).build());
        return new Policy(new Channels("C0APPROVALS", List.of("C0SECURITY")), targets, null, null, 1, null, null, 10,
                new StepUpPolicy(true, null, null, null));
    }

    private Optional<StepUpProof> proofOf(String user) {
        var v = stepUps.verify(user, "codeof" + user, StepUpPolicy.Action.APPROVE, Optional.empty());
        return Optional.of(assertInstanceOf(StepUpService.Verdict.Passed.class, v).proof());
    }

    private Grant requested() {
        return ((Outcome.Done) grants.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                Optional.empty(), WHY, Optional.empty()))).grant();
    }

    @Test
    void anApprovalWithoutAProofIsRefusedAndChangesNothing() {
        Grant g = requested();
        Outcome.Refused refused = assertInstanceOf(Outcome.Refused.class, grants.requests().approve(g.id(), BOB));
        assertTrue(ShippedWords.of(refused.reply()).contains("needs step-up"), ShippedWords.of(refused.reply()));
        assertEquals(Optional.of(Outcome.Field.STEP_UP), refused.field());
        assertEquals(g, store.find(g.id()).orElseThrow(), "nothing changed");
    }

    @Test
    void someoneElsesOrAStaleProofDoesNotCount() {
        Grant g = requested();
        assertInstanceOf(Outcome.Refused.class, grants.requests().approve(g.id(), BOB, proofOf(ALICE)));
        Optional<StepUpProof> bobs = proofOf(BOB);
        clock.advance(StepUpProof.VALID_FOR.plusSeconds(1));
        assertInstanceOf(Outcome.Refused.class, grants.requests().approve(g.id(), BOB, bobs));
        assertEquals(GrantState.PENDING, store.find(g.id()).orElseThrow().state());
    }

    @Test
    void aFreshProofApprovesAndTheGrantRecordsWhoPassed() {
        Grant g = requested();
        Grant approved = assertInstanceOf(Outcome.Done.class, grants.requests().approve(g.id(), BOB, proofOf(BOB))).grant();
        assertEquals(GrantState.APPROVED, approved.state());
        assertEquals(List.of(BOB), approved.stepUpVerified());
        assertTrue(approved.stepUpVerifiedBy(BOB));
    }

    @Test
    void emergencyAlwaysGuardsBreakGlassEvenWhereTheTargetAsksOnlyApprovers() {
        Grant g = requested();
        clock.advance(Duration.ofMinutes(11));
        assertInstanceOf(Outcome.Refused.class, grants.requests().breakGlass(g.id(), ALICE));
        Grant broken = assertInstanceOf(Outcome.Done.class, grants.requests().breakGlass(g.id(), ALICE, proofOf(ALICE))).grant();
        assertTrue(broken.emergency());
        assertEquals(List.of(ALICE), broken.stepUpVerified());
    }

    @Test
    void theRequestNeedsNoProofWhereOnlyApproversStepUp() {
        assertInstanceOf(Outcome.Done.class, grants.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                Optional.empty(), WHY, Optional.empty())));
    }

    /** A factor for the test: everyone is enrolled; the right code is "codeof" and the user id. */
    private static final class CodeIsTheUser implements StepUp {
        public String type() {
            return "test";
        }

        public boolean enrolled(String user) {
            return true;
        }

        public Enrolment enrol(String user) {
            throw new IllegalStateException("enrolled");
        }

        public Check confirm(String user, String code) {
            return verify(user, code);
        }

        public Check verify(String user, String code) {
            return code.equals("codeof" + user) ? new Check.Passed() : new Check.Failed(Failure.WRONG);
        }

        public boolean reset(String user) {
            return false;
        }
    }

    /** Failures and lockouts in memory. */
    private static final class Attempts implements StepUpAttempts {
        private final Map<String, List<Instant>> failures = new HashMap<>();
        private final Map<String, Instant> locks = new HashMap<>();

        public int failed(String user, Instant at, Instant since) {
            List<Instant> mine = failures.computeIfAbsent(user, u -> new java.util.ArrayList<>());
            mine.removeIf(t -> !t.isAfter(since));
            mine.add(at);
            return mine.size();
        }

        public void lock(String user, Instant until) {
            failures.remove(user);
            locks.put(user, until);
        }

        public Optional<Instant> lockedUntil(String user) {
            return Optional.ofNullable(locks.get(user));
        }

        public void clear(String user) {
            failures.remove(user);
            locks.remove(user);
        }
    }
}

package dev.breakglass.grant;

import dev.breakglass.policy.Channels;
import dev.breakglass.policy.EmergencyKind;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests under a policy with {@code emergencies:}: each names a kind the requester may invoke on the target, with
 * a reference its pattern accepts; the kind's limits apply; anything else is refused with what is allowed, and
 * nothing is stored.
 */
class EmergencyKindRequestTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final String ALICE = "U0ALICE";
    private static final String BOB = "U0BOB";
    private static final String WHY = "orders DB is down, need to restart the replica";

    private final ManualClock clock = new ManualClock(T0);
    private final Fakes.MemoryGrantStore store = new Fakes.MemoryGrantStore();
    private final Fakes.People people = new Fakes.People().member("S0ONCALL", ALICE, BOB).member("S0IR", BOB);
    private final Fakes.UseCases grants = Fakes.useCases(store, policy(), people, new Fakes.RecordingTarget(),
            new Fakes.Vault(), new Fakes.Timers(), clock);

    private static Policy policy() {
        Map<String, TargetPolicy> targets = new LinkedHashMap<>();
        targets.put("orders-db", TargetPolicy.builder("orders-db", "webhook", Duration.ofHours(1),
                List.of(new Principal.UserId("U0CAROL"), new Principal.UserId("U0DAVE"))).requesters(new Principal.UserGroupId("S0ONCALL")).build());
        targets.put("billing", TargetPolicy.builder("billing", "webhook", Duration.ofHours(1),
                List.of(new Principal.UserId("U0CAROL"), new Principal.UserId("U0DAVE"))).requesters(new Principal.UserGroupId("S0ONCALL")).build());
        List<EmergencyKind> kinds = List.of(
                kind("outage", "Production outage", List.of(), List.of(), null, null, "INC-\\d+"),
                kind("breach", "Active breach", List.of(), List.of(new Principal.UserGroupId("S0IR")),
                        Duration.ofMinutes(10), 2, null),
                kind("patch", "Critical security patch", List.of("billing"), List.of(), null, null, null));
        return new Policy(new Channels("C0APPROVALS", List.of("C0SECURITY")), targets, null, null,
                Policy.DEFAULT_REVEAL_LIMIT, null, null, Policy.DEFAULT_REQUESTS_PER_HOUR, null, null, kinds);
    }

    private static EmergencyKind kind(String id, String title, List<String> targets, List<Principal> requesters,
                                      Duration max, Integer approvals, String reference) {
        return new EmergencyKind(id, title, "", targets, requesters, Optional.ofNullable(max),
                approvals == null ? OptionalInt.empty() : OptionalInt.of(approvals), List.of(),
                Optional.ofNullable(reference), Optional.empty());
    }

    private static RequestDraft draft(String target, Duration duration, String incident, String kind) {
        return new RequestDraft(target, Optional.empty(), Optional.ofNullable(duration), WHY,
                Optional.ofNullable(incident), Optional.ofNullable(kind));
    }

    @Test
    void aRequestNamingAnAllowedKindWithAMatchingReferenceIsStoredWithItsKind() {
        Outcome.Done done = assertInstanceOf(Outcome.Done.class,
                grants.requests().request(ALICE, draft("orders-db", null, "INC-42", "outage")));
        assertEquals(Optional.of("outage"), done.grant().kind());
        assertEquals(Optional.of("INC-42"), done.grant().incident());
        assertEquals(1, done.grant().approvalsRequired(), "the target's count where the kind sets none");
        assertTrue(ShippedWords.of(done.reply()).contains("(Production outage)"), ShippedWords.of(done.reply()));
    }

    @Test
    void theKindsMaximumDurationAndApprovalsApply() {
        Outcome.Refused tooLong = assertInstanceOf(Outcome.Refused.class,
                grants.requests().request(BOB, draft("orders-db", Duration.ofMinutes(11), null, "breach")));
        assertEquals(Optional.of(Outcome.Field.DURATION), tooLong.field());
        assertEquals("11m is longer than the orders-db maximum of 10m under Active breach. Ask for less; you can "
                + "extend later.", ShippedWords.of(tooLong.reply()));

        Outcome.Done done = assertInstanceOf(Outcome.Done.class,
                grants.requests().request(BOB, draft("orders-db", Duration.ofMinutes(10), null, "breach")));
        assertEquals(2, done.grant().approvalsRequired(), "the kind's count replaces the target's");
        assertEquals(Duration.ofMinutes(10), done.grant().duration());
    }

    @Test
    void theReviewOfAGrantThatNamedAKindAlsoAsksWhetherItWasTheRightOne() {
        Grant outage = ((Outcome.Done) grants.requests().request(ALICE, draft("orders-db", null, "INC-1", "outage"))).grant();
        assertEquals(ReviewQuestion.asked(true), ReviewQuestion.askedAbout(outage));
        assertTrue(ReviewQuestion.askedAbout(outage).contains(ReviewQuestion.KIND));
        Map<ReviewQuestion, String> five = new java.util.EnumMap<>(ReviewQuestion.class);
        ReviewQuestion.asked(false).forEach(q -> five.put(q, "yes"));
        assertEquals(java.util.Set.of(ReviewQuestion.KIND),
                Review.problems(five, ReviewQuestion.askedAbout(outage)).keySet(), "the kind question is required");
        assertTrue(Review.problems(five).isEmpty(), "a review without the kind answer is whole for a grant without one");
        assertFalse(ReviewQuestion.asked(false).contains(ReviewQuestion.KIND));
    }

    @Test
    void anExtensionStaysWithinTheKindsMaximum() {
        Grant g = ((Outcome.Done) grants.requests().request(BOB, draft("orders-db", Duration.ofMinutes(6), null,
                "breach"))).grant();
        grants.requests().approve(g.id(), "U0CAROL");
        grants.requests().approve(g.id(), "U0DAVE");
        assertInstanceOf(Outcome.Done.class, grants.access().provision(g.id()));
        Outcome.Refused refused = assertInstanceOf(Outcome.Refused.class,
                grants.extensions().requestExtension(g.id(), BOB, Duration.ofMinutes(5), WHY));
        assertTrue(ShippedWords.of(refused.reply()).contains("the most for orders-db is 10m"),
                ShippedWords.of(refused.reply()));
        assertInstanceOf(Outcome.Done.class, grants.extensions().requestExtension(g.id(), BOB, Duration.ofMinutes(4), WHY),
                "up to the kind's 10m, not the target's 1h");
    }

    @Test
    void aRequestWithoutAKindIsRefusedWithTheKindsTheRequesterMayName() {
        Outcome.Refused refused = refused(ALICE, draft("orders-db", null, "INC-1", null), Outcome.Field.KIND);
        assertEquals("Name the emergency this is for, with kind:&lt;id&gt; after the duration. Emergencies you may "
                + "name on orders-db: `kind:outage` Production outage (with incident:&lt;reference&gt; matching "
                + "`INC-\\d+`).", ShippedWords.of(refused.reply()),
                "Alice is not in S0IR (breach), and patch is for billing only");
    }

    @Test
    void aKindTheRequesterMayNotNameOrThatDoesNotExistIsRefusedWithWhatIsAllowed() {
        String breach = ShippedWords.of(refused(ALICE, draft("orders-db", null, null, "breach"), Outcome.Field.KIND).reply());
        assertTrue(breach.startsWith("You may not name the emergency \"breach\" on orders-db."), breach);
        assertTrue(breach.contains("`kind:outage` Production outage"), breach);
        assertFalse(breach.contains("kind:breach`"), breach);

        String patch = ShippedWords.of(refused(ALICE, draft("orders-db", null, null, "patch"), Outcome.Field.KIND).reply());
        assertTrue(patch.startsWith("You may not name the emergency \"patch\" on orders-db."), "patch is for billing: " + patch);

        String unknown = ShippedWords.of(refused(ALICE, draft("orders-db", null, null, "flood"), Outcome.Field.KIND).reply());
        assertTrue(unknown.startsWith("There is no emergency \"flood\". Emergencies you may name on orders-db:"), unknown);

        String onBilling = ShippedWords.of(refused(BOB, draft("billing", null, null, "nope"), Outcome.Field.KIND).reply());
        assertTrue(onBilling.contains("`kind:outage` Production outage (with incident:&lt;reference&gt; matching "
                + "`INC-\\d+`); `kind:breach` Active breach; `kind:patch` Critical security patch."), onBilling);
    }

    @Test
    void aReferenceThatIsMissingOrDoesNotMatchThePatternIsRefusedBesideTheIncident() {
        assertEquals("Requests under Production outage need an incident reference that matches `INC-\\d+`. Give it "
                        + "with incident:&lt;reference&gt;, or in the form's incident field.",
                ShippedWords.of(refused(ALICE, draft("orders-db", null, null, "outage"), Outcome.Field.INCIDENT).reply()));
        assertEquals("Requests under Production outage need an incident reference that matches `INC-\\d+`; "
                        + "\"INC-42x\" does not. Give it with incident:&lt;reference&gt;, or in the form's incident field.",
                ShippedWords.of(refused(ALICE, draft("orders-db", null, "INC-42x", "outage"), Outcome.Field.INCIDENT).reply()),
                "the pattern must match the whole reference");
    }

    @Test
    void aTargetNoKindAppliesToForTheRequesterIsRefusedOutright() {
        Policy onlyPatch = new Policy(policy().channels(), policy().targets(), null, null, Policy.DEFAULT_REVEAL_LIMIT,
                null, null, Policy.DEFAULT_REQUESTS_PER_HOUR, null, null,
                List.of(kind("patch", "Critical security patch", List.of("billing"), List.of(), null, null, null)));
        Fakes.UseCases strict = Fakes.useCases(store, onlyPatch, people, new Fakes.RecordingTarget(), new Fakes.Vault(),
                new Fakes.Timers(), clock);
        Outcome.Refused refused = assertInstanceOf(Outcome.Refused.class,
                strict.requests().request(ALICE, draft("orders-db", null, null, "patch")));
        assertEquals(Optional.of(Outcome.Field.KIND), refused.field());
        assertTrue(ShippedWords.of(refused.reply()).startsWith("None of the emergencies defined for break glass lets "
                + "you request orders-db"), ShippedWords.of(refused.reply()));
        assertEquals(List.of(), store.findByState(EnumSet.allOf(GrantState.class)));
    }

    @Test
    void namingAKindWhereThePolicyDefinesNoneIsRefused() {
        Policy none = new Policy(policy().channels(), policy().targets());
        Fakes.UseCases plain = Fakes.useCases(store, none, people, new Fakes.RecordingTarget(), new Fakes.Vault(),
                new Fakes.Timers(), clock);
        Outcome.Refused refused = assertInstanceOf(Outcome.Refused.class,
                plain.requests().request(ALICE, draft("orders-db", null, null, "outage")));
        assertEquals(Optional.of(Outcome.Field.KIND), refused.field());
        assertEquals("This policy defines no emergency kinds, so kind: \"outage\" means nothing here. Leave it out.",
                ShippedWords.of(refused.reply()));
        assertInstanceOf(Outcome.Done.class, plain.requests().request(ALICE, draft("orders-db", null, null, null)),
                "without emergencies: a request names none, as before");
    }

    private Outcome.Refused refused(String who, RequestDraft draft, Outcome.Field field) {
        Outcome.Refused refused = assertInstanceOf(Outcome.Refused.class, grants.requests().request(who, draft));
        assertEquals(Optional.of(field), refused.field(), ShippedWords.of(refused.reply()));
        assertEquals(List.of(), store.findByState(EnumSet.allOf(GrantState.class)), "nothing stored");
        return refused;
    }
}

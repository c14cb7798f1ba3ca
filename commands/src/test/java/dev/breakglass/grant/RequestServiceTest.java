package dev.breakglass.grant;

import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.policy.Channels;
import dev.breakglass.policy.EmergencyPolicy;
import dev.breakglass.policy.Permission;
import dev.breakglass.policy.Permissions;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.GrantScheduler;
import dev.breakglass.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestServiceTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String ALICE = "U0ALICE";
    private static final String BOB = "U0BOB";
    private static final String CAROL = "U0CAROL";
    private static final String MALLORY = "U0MALLORY";
    private static final String WHY = "orders DB is down, need to restart the replica";

    private final ManualClock clock = new ManualClock(T0);
    private final Fakes.MemoryGrantStore store = new Fakes.MemoryGrantStore();
    private final Fakes.People people = new Fakes.People().member("S0ONCALL", ALICE).member("S0SRE", BOB, CAROL);
    private final Fakes.RecordingTarget target = new Fakes.RecordingTarget();
    private final Fakes.Events events = store.events;
    private final Fakes.Timers timers = new Fakes.Timers();
    private final Fakes.Vault vault = new Fakes.Vault();
    private final Fakes.UseCases grants = service(policy(1));

    private Fakes.UseCases service(Policy policy) {
        return Fakes.useCases(store, policy, people, target, vault, timers, clock);
    }

    private static Policy policy(int approvals) {
        Map<String, TargetPolicy> targets = new LinkedHashMap<>();
        targets.put("orders-db", TargetPolicy.builder("orders-db", "webhook", Duration.ofHours(1),
                        List.of(new Principal.UserGroupId("S0SRE")))
                .roles("read-only", "admin").approvals(approvals)
                .requesters(new Principal.UserGroupId("S0ONCALL"), new Principal.UserId(BOB))
                .emergency(new EmergencyPolicy(Duration.ofMinutes(10), Duration.ofMinutes(30)))
                .build());
        targets.put("billing", TargetPolicy.builder("billing", "webhook", Duration.ofHours(1),
                List.of(new Principal.UserId(CAROL))).requesters(new Principal.UserId(BOB)).build());
        return new Policy(new Channels("C0APPROVALS", List.of("C0SECURITY")), targets);
    }

    private static RequestDraft draft(String target, String role, Duration duration, String why) {
        return new RequestDraft(target, Optional.ofNullable(role), Optional.ofNullable(duration), why, Optional.of("INC-42"));
    }

    /** A request by Alice, approved by {@code approver} and provisioned. */
    private Grant active(String approver) {
        Grant g = requested();
        grants.requests().approve(g.id(), approver);
        return ((Outcome.Done) grants.access().provision(g.id())).grant();
    }

    private Grant requested() {
        return ((Outcome.Done) grants.requests().request(ALICE, draft("orders-db", "admin", Duration.ofMinutes(30), WHY))).grant();
    }

    @Test
    void aRequestIsStoredPendingAnnouncedAndTimed() {
        Grant g = requested();
        assertEquals(GrantState.PENDING, g.state());
        assertEquals(Optional.of("admin"), g.role());
        assertEquals(List.of(GrantEvent.Requested.class), events.kinds());
        assertEquals(List.of(new Fakes.Timer(g.id(), GrantScheduler.Due.PENDING_TIMEOUT, T0.plus(Duration.ofMinutes(30))),
                new Fakes.Timer(g.id(), GrantScheduler.Due.EMERGENCY_OFFER, T0.plus(Duration.ofMinutes(10)))), timers.scheduled);
    }

    /** Each event says who caused it: the person who acted, or the bot for the work it does on its own. */
    @Test
    void everyEventNamesItsActor() {
        Grant g = requested();
        grants.requests().approve(g.id(), BOB);
        grants.access().provision(g.id());
        grants.access().revoke(g.id(), CAROL, Optional.of("done"));
        Grant other = requested();
        grants.requests().cancel(other.id(), ALICE);
        assertEquals(List.of(Actor.person(ALICE), Actor.person(BOB), Actor.bot("provisioning"), Actor.person(CAROL),
                Actor.person(ALICE), Actor.person(ALICE)), events.published.stream().map(GrantEvent::actor).toList(),
                events.kinds().toString());
    }

    @Test
    void defaultsFillWhatTheDraftLeavesOut() {
        Grant g = ((Outcome.Done) grants.requests().request(ALICE, draft("orders-db", null, null, WHY))).grant();
        assertEquals(Optional.of("read-only"), g.role());
        assertEquals(Duration.ofMinutes(30), g.duration());
    }

    @Test
    void everyBadRequestIsRefusedWithTheFieldAndNothingStored() {
        record Case(String who, RequestDraft draft, Outcome.Field field, String says) {}
        List<Case> cases = List.of(
                new Case(ALICE, draft("payments", null, null, WHY), Outcome.Field.TARGET, "no target named \"payments\""),
                new Case(ALICE, draft("billing", null, null, WHY), Outcome.Field.TARGET, "not allowed to request access to billing"),
                new Case(MALLORY, draft("orders-db", null, null, WHY), Outcome.Field.TARGET, "not allowed"),
                new Case(ALICE, draft("orders-db", "root", null, WHY), Outcome.Field.ROLE, "no role \"root\""),
                new Case(ALICE, draft("orders-db", null, Duration.ofMinutes(61), WHY), Outcome.Field.DURATION, "1h1m is longer than the orders-db maximum of 1h"),
                new Case(ALICE, draft("orders-db", null, Duration.ofSeconds(30), WHY), Outcome.Field.DURATION, "shorter than"),
                new Case(ALICE, draft("orders-db", null, null, "  "), Outcome.Field.JUSTIFICATION, ""),
                new Case(ALICE, draft("orders-db", null, null, "too short"), Outcome.Field.JUSTIFICATION, ""),
                new Case(ALICE, draft("orders-db", null, null, "x".repeat(3001)), Outcome.Field.JUSTIFICATION, ""),
                new Case(ALICE, new RequestDraft("orders-db", Optional.empty(), Optional.empty(), WHY,
                        Optional.of("i".repeat(201))), Outcome.Field.INCIDENT, "incident reference"));
        for (Case c : cases) {
            Outcome outcome = grants.requests().request(c.who(), c.draft());
            Outcome.Refused refused = assertInstanceOf(Outcome.Refused.class, outcome, c.toString());
            assertEquals(Optional.of(c.field()), refused.field(), c.toString());
            assertTrue(ShippedWords.of(refused.reply()).contains(c.says()), ShippedWords.of(refused.reply()));
        }
        assertEquals(List.of(), store.findByState(java.util.EnumSet.allOf(GrantState.class)));
        assertEquals(List.of(), events.published);
    }

    @Test
    void aRequesterMayMakeTenRequestsInAnyHourAndTheEleventhIsRefused() {
        for (int i = 0; i < Policy.DEFAULT_REQUESTS_PER_HOUR; i++) {
            assertInstanceOf(Outcome.Done.class, grants.requests().request(ALICE, draft("orders-db", null, null, WHY)));
            clock.advance(Duration.ofMinutes(5));
        }
        int events0 = events.published.size();
        Outcome eleventh = grants.requests().request(ALICE, draft("orders-db", null, null, WHY));
        assertInstanceOf(Outcome.Refused.class, eleventh);
        assertTrue(ShippedWords.of(eleventh.reply()).startsWith("You made 10 requests in the last hour, the most the policy "
                + "allows (requests-per-hour)."), ShippedWords.of(eleventh.reply()));
        assertEquals(10, store.findByState(java.util.EnumSet.allOf(GrantState.class)).size(), "nothing stored");
        assertEquals(events0, events.published.size());
        assertInstanceOf(Outcome.Done.class, grants.requests().request(BOB, draft("orders-db", null, null, WHY)), "per person");
        clock.advance(Duration.ofMinutes(11)); // the first request is now more than an hour old
        assertInstanceOf(Outcome.Done.class, grants.requests().request(ALICE, draft("orders-db", null, null, WHY)));
    }

    @Test
    void onePeerApprovesAndProvisioningIsScheduledOnce() {
        Grant g = requested();
        Outcome outcome = grants.requests().approve(g.id(), BOB);
        assertEquals(GrantState.APPROVED, ((Outcome.Done) outcome).grant().state());
        assertEquals(1, timers.scheduled.stream().filter(t -> t.due() == GrantScheduler.Due.PROVISION).count());
        Outcome again = grants.requests().approve(g.id(), CAROL);
        assertInstanceOf(Outcome.Unchanged.class, again);
        assertEquals("BG-1 was already approved by @U0BOB (now approved).", ShippedWords.of(again.reply()));
    }

    @Test
    void selfApprovalAndNonApproversAreRefused() {
        Grant g = requested();
        assertTrue(ShippedWords.of(grants.requests().approve(g.id(), ALICE).reply()).contains("cannot approve your own request"));
        assertTrue(ShippedWords.of(grants.requests().approve(g.id(), MALLORY).reply()).contains("not an approver"));
        assertInstanceOf(Outcome.Refused.class, grants.requests().approve(g.id(), MALLORY));
        assertEquals(GrantState.PENDING, store.find(g.id()).orElseThrow().state());
        assertEquals(List.of(GrantEvent.Requested.class), events.kinds());
    }

    @Test
    void twoApprovalsNeedTwoDistinctPeers() {
        Fakes.UseCases two = service(policy(2));
        Grant g = ((Outcome.Done) two.requests().request(ALICE, draft("orders-db", null, null, WHY))).grant();
        assertEquals(GrantState.PENDING, ((Outcome.Done) two.requests().approve(g.id(), BOB)).grant().state());
        Outcome repeat = two.requests().approve(g.id(), BOB);
        assertInstanceOf(Outcome.Unchanged.class, repeat);
        assertTrue(ShippedWords.of(repeat.reply()).contains("already approved"), ShippedWords.of(repeat.reply()));
        Grant approved = ((Outcome.Done) two.requests().approve(g.id(), CAROL)).grant();
        assertEquals(GrantState.APPROVED, approved.state());
        assertEquals(List.of(BOB, CAROL), approved.approvedBy());
        assertEquals(List.of(GrantEvent.Requested.class, GrantEvent.ApprovalRecorded.class, GrantEvent.Approved.class),
                events.kinds());
    }

    @Test
    void denyNeedsAReasonAndEndsTheRequest() {
        Grant g = requested();
        assertInstanceOf(Outcome.Refused.class, grants.requests().deny(g.id(), BOB, " "));
        Outcome denied = grants.requests().deny(g.id(), BOB, "use the read replica");
        Grant saved = ((Outcome.Done) denied).grant();
        assertEquals(GrantState.DENIED, saved.state());
        assertEquals(Optional.of("use the read replica"), saved.reason());
        assertEquals("BG-1 was already denied by @U0BOB.", ShippedWords.of(grants.requests().approve(g.id(), CAROL).reply()));
    }

    @Test
    void onlyTheRequesterCancelsAndOnlyWhilePending() {
        Grant g = requested();
        assertInstanceOf(Outcome.Refused.class, grants.requests().cancel(g.id(), BOB));
        assertEquals(GrantState.CANCELLED, ((Outcome.Done) grants.requests().cancel(g.id(), ALICE)).grant().state());
        assertInstanceOf(Outcome.Unchanged.class, grants.requests().cancel(g.id(), ALICE));
    }

    @Test
    void aRequestTimesOutOnlyAfterThePendingTimeout() {
        Grant g = requested();
        clock.advance(Duration.ofMinutes(29));
        assertInstanceOf(Outcome.Unchanged.class, grants.requests().timeOut(g.id()));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(GrantState.TIMED_OUT, ((Outcome.Done) grants.requests().timeOut(g.id())).grant().state());
        assertInstanceOf(Outcome.Unchanged.class, grants.requests().timeOut(g.id()));
        assertInstanceOf(Outcome.Unchanged.class, grants.requests().approve(g.id(), BOB));
    }

    @Test
    void emergencyBreakGlassOpensAfterTheDelayForTheRequesterOnly() {
        Grant g = requested();
        clock.advance(Duration.ofMinutes(9));
        assertTrue(ShippedWords.of(grants.requests().breakGlass(g.id(), ALICE).reply()).contains("Emergency access opens 10m after"));
        clock.advance(Duration.ofMinutes(1));
        assertInstanceOf(Outcome.Refused.class, grants.requests().breakGlass(g.id(), BOB));
        assertInstanceOf(Outcome.Done.class, grants.requests().offerEmergency(g.id()));
        Grant glass = ((Outcome.Done) grants.requests().breakGlass(g.id(), ALICE)).grant();
        assertEquals(GrantState.APPROVED, glass.state());
        assertTrue(glass.emergency());
        assertEquals(List.of(), glass.approvedBy());
        assertInstanceOf(Outcome.Unchanged.class, grants.requests().breakGlass(g.id(), ALICE));
        assertTrue(events.kinds().contains(GrantEvent.GlassBroken.class));
    }

    @Test
    void aRequesterRemovedFromTheGroupAfterAskingCanNoLongerBreakTheGlassExtendOrReveal() {
        Grant pending = requested();
        Grant active = active(BOB);
        clock.advance(Duration.ofMinutes(10));
        people.member("S0ONCALL"); // an admin empties the on-call group
        int before = events.published.size();

        Outcome glass = grants.requests().breakGlass(pending.id(), ALICE);
        assertInstanceOf(Outcome.Refused.class, glass);
        assertEquals("You are no longer allowed to request access to orders-db, so you cannot break the glass on "
                + "BG-1. Ask the owners of the policy to add you back to its requesters.", ShippedWords.of(glass.reply()));
        Outcome extend = grants.extensions().requestExtension(active.id(), ALICE, Duration.ofMinutes(10), WHY);
        assertInstanceOf(Outcome.Refused.class, extend);
        assertTrue(ShippedWords.of(extend.reply()).contains("so you cannot extend BG-2"), ShippedWords.of(extend.reply()));
        Permission reveal = new Permissions(policy(1), people).may(Permissions.Act.REVEAL,
                store.find(active.id()).orElseThrow(), ALICE);
        assertTrue(ShippedWords.of(assertInstanceOf(Permission.Refused.class, reveal).reply())
                .contains("so you cannot reveal the credentials of BG-2"));
        assertEquals(GrantState.PENDING, store.find(pending.id()).orElseThrow().state());
        assertTrue(store.find(active.id()).orElseThrow().extension().isEmpty());
        assertEquals(before, events.published.size(), "nothing happened");
        assertInstanceOf(Outcome.Done.class, grants.access().revoke(active.id(), ALICE, Optional.empty()),
                "giving access back is always allowed");
    }

    @Test
    void aRequesterRemovedFromThePolicyIsNotProvisionedAfterApproval() {
        Grant g = requested();
        Fakes.UseCases after = service(policyWithout(ALICE));
        people.member("S0ONCALL"); // and from the group the new policy no longer names anyway
        after.requests().approve(g.id(), BOB);
        Grant failed = ((Outcome.Done) after.access().provision(g.id())).grant();
        assertEquals(GrantState.FAILED, failed.state());
        assertEquals(Optional.of("the requester is no longer allowed to request access to orders-db (or Slack could"
                + " not confirm their group membership)"), failed.reason());
        assertEquals(List.of(), target.grants, "the target was never asked");
    }

    @Test
    void anApproverRemovedAfterTheRequestCanNoLongerApproveEitherTheRequestOrAnExtension() {
        Grant g = requested();
        Grant active = active(CAROL);
        grants.extensions().requestExtension(active.id(), ALICE, Duration.ofMinutes(10), WHY);
        people.member("S0SRE", CAROL); // Bob left the SRE group
        int before = events.published.size();

        Outcome approve = grants.requests().approve(g.id(), BOB);
        assertInstanceOf(Outcome.Refused.class, approve);
        assertEquals("You are not an approver for orders-db, so you cannot approve BG-1.", ShippedWords.of(approve.reply()));
        assertInstanceOf(Outcome.Refused.class, grants.requests().deny(g.id(), BOB, "not needed any more"));
        Outcome extension = grants.extensions().approveExtension(active.id(), BOB);
        assertInstanceOf(Outcome.Refused.class, extension);
        assertTrue(ShippedWords.of(extension.reply()).contains("cannot decide on the extension of BG-2"), ShippedWords.of(extension.reply()));
        assertEquals(GrantState.PENDING, store.find(g.id()).orElseThrow().state());
        assertTrue(store.find(active.id()).orElseThrow().extension().isPresent());
        assertEquals(before, events.published.size(), "nothing happened");
    }

    private static Policy policyWithout(String requester) {
        Map<String, TargetPolicy> targets = new LinkedHashMap<>();
        targets.put("orders-db", TargetPolicy.builder("orders-db", "webhook", Duration.ofHours(1),
                        List.of(new Principal.UserGroupId("S0SRE")))
                .roles("read-only", "admin").requesters(new Principal.UserId(BOB)).build());
        assertTrue(!requester.equals(BOB));
        return new Policy(new Channels("C0APPROVALS", List.of("C0SECURITY")), targets);
    }

    @Test
    void denyReasonsAndIncidentReferencesFollowTheFreeTextRules() {
        Grant g = requested();
        Outcome bidi = grants.requests().deny(g.id(), BOB, "looks fine \u202Etxt.exe");
        assertInstanceOf(Outcome.Refused.class, bidi);
        assertTrue(ShippedWords.of(bidi.reply()).contains("invisible or broken character (U+202E)"), ShippedWords.of(bidi.reply()));
        Outcome control = grants.requests().deny(g.id(), BOB, "no\u001B[2J");
        assertTrue(ShippedWords.of(control.reply()).contains("U+001B"), ShippedWords.of(control.reply()));
        assertEquals(GrantState.PENDING, store.find(g.id()).orElseThrow().state(), "nothing changed");

        Outcome incident = grants.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(), Optional.empty(), WHY,
                Optional.of("INC-1\u2066")));
        assertEquals(Optional.of(Outcome.Field.INCIDENT), ((Outcome.Refused) incident).field());
        assertTrue(ShippedWords.of(incident.reply()).contains("U+2066"), ShippedWords.of(incident.reply()));

        Grant active = active(BOB);
        grants.extensions().requestExtension(active.id(), ALICE, Duration.ofMinutes(10), WHY);
        Outcome extension = grants.extensions().denyExtension(active.id(), BOB, "y".repeat(3001));
        assertInstanceOf(Outcome.Refused.class, extension);
        assertTrue(ShippedWords.of(extension.reply()).contains("too long: 3001 characters"), ShippedWords.of(extension.reply()));
        assertTrue(store.find(active.id()).orElseThrow().extension().isPresent(), "nothing changed");
    }

    @Test
    void emergencyAccessIsCappedAtTheEmergencyMaximum() {
        Grant g = ((Outcome.Done) grants.requests().request(ALICE, draft("orders-db", null, Duration.ofMinutes(50), WHY))).grant();
        clock.advance(Duration.ofMinutes(10));
        assertEquals(Duration.ofMinutes(30), ((Outcome.Done) grants.requests().breakGlass(g.id(), ALICE)).grant().duration());
    }

    @Test
    void targetsWithoutEmergencyNeverOfferIt() {
        Grant g = ((Outcome.Done) grants.requests().request(BOB, draft("billing", null, null, WHY))).grant();
        clock.advance(Duration.ofHours(1));
        assertInstanceOf(Outcome.Refused.class, grants.requests().breakGlass(g.id(), BOB));
        assertInstanceOf(Outcome.Unchanged.class, grants.requests().offerEmergency(g.id()));
    }

    @Test
    void provisioningActivatesWithTheWindowFromActivationAndSealsTheCredentials() {
        Grant g = requested();
        clock.advance(Duration.ofMinutes(5));
        grants.requests().approve(g.id(), BOB);
        clock.advance(Duration.ofSeconds(7));
        Grant active = ((Outcome.Done) grants.access().provision(g.id())).grant();
        assertEquals(GrantState.ACTIVE, active.state());
        Instant activated = T0.plus(Duration.ofMinutes(5)).plusSeconds(7);
        assertEquals(Optional.of(activated), active.activatedAt());
        assertEquals(Optional.of(activated.plus(Duration.ofMinutes(30))), active.expiresAt());
        assertEquals(activated.plus(Duration.ofMinutes(30)), target.grants.get(0).expiresAt());
        assertEquals(Optional.of("u0alice@example.test"), target.grants.get(0).email());
        assertEquals(Optional.of("{\"account\":\"bg-1\"}"), active.handle());
        assertTrue(vault.sealed.containsKey(g.id()));
        assertInstanceOf(Outcome.Unchanged.class, grants.access().provision(g.id()));
        assertEquals(1, target.grants.size());
    }

    @Test
    void aFailingTargetLeavesTheGrantFailedWithTheReason() {
        target.failWith = "receiver answered 503";
        Grant g = requested();
        grants.requests().approve(g.id(), BOB);
        Grant failed = ((Outcome.Done) grants.access().provision(g.id())).grant();
        assertEquals(GrantState.FAILED, failed.state());
        assertEquals(Optional.of("receiver answered 503"), failed.reason());
        assertTrue(events.published.get(events.published.size() - 1) instanceof GrantEvent.ProvisioningFailed);
    }

    @Test
    void concurrentApprovalsProduceOneApprovedOutcome() throws Exception {
        Grant g = requested();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Outcome>> results = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String who = i % 2 == 0 ? BOB : CAROL;
            results.add(pool.submit(() -> {
                go.await();
                return grants.requests().approve(g.id(), who);
            }));
        }
        go.countDown();
        int done = 0;
        for (Future<Outcome> r : results) {
            done += r.get() instanceof Outcome.Done ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, done);
        assertEquals(1, timers.scheduled.stream().filter(t -> t.due() == GrantScheduler.Due.PROVISION).count());
    }

    @Test
    void grantsAreVisibleToTheRequesterAndTheTargetsPeopleOnly() {
        Grant mine = requested();
        Grant other = ((Outcome.Done) grants.requests().request(BOB, draft("billing", null, null, WHY))).grant();
        grants.requests().cancel(other.id(), BOB);
        Grant open = ((Outcome.Done) grants.requests().request(BOB, draft("billing", null, null, WHY))).grant();
        assertEquals(List.of(mine.id()), grants.queries().openGrantsVisibleTo(ALICE).stream().map(Grant::id).toList());
        assertEquals(List.of(mine.id(), open.id()), grants.queries().openGrantsVisibleTo(BOB).stream().map(Grant::id).toList());
        assertEquals(List.of(mine.id(), open.id()), grants.queries().openGrantsVisibleTo(CAROL).stream().map(Grant::id).toList());
        assertEquals(List.of(), grants.queries().openGrantsVisibleTo(MALLORY));
        assertTrue(grants.queries().status(mine.id(), MALLORY).isEmpty());
        assertTrue(grants.queries().status(other.id(), ALICE).isEmpty(), "billing is not Alice's business");
        assertEquals(GrantState.CANCELLED, grants.queries().status(other.id(), BOB).orElseThrow().state());
        assertTrue(grants.queries().status(new GrantId(999), BOB).isEmpty());
    }
}

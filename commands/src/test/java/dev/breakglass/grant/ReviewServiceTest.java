package dev.breakglass.grant;

import dev.breakglass.testing.ManualClock;

import dev.breakglass.event.GrantEvent;
import dev.breakglass.policy.Channels;
import dev.breakglass.policy.EmergencyPolicy;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.ReviewPolicy;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.GrantScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The post-mortem use cases against in-memory ports: opening, reminders, escalation, writing, sign-off. */
class ReviewServiceTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String ALICE = "U0ALICE";
    private static final String BOB = "U0BOB";
    private static final String SECURITY = "U0SECLEAD";
    private static final String MALLORY = "U0MALLORY";
    private static final String WHY = "orders DB is down, need to restart the replica";
    private static final Duration EVERY = Duration.ofHours(4);

    private final ManualClock clock = new ManualClock(T0);
    private final Fakes.MemoryGrantStore store = new Fakes.MemoryGrantStore();
    private final Fakes.RecordingTarget target = new Fakes.RecordingTarget();
    private final Fakes.Events events = store.events;
    private final Fakes.Timers timers = new Fakes.Timers();

    private Policy policy(ReviewPolicy.Required required, boolean withReviewers) {
        Map<String, TargetPolicy> targets = new LinkedHashMap<>();
        TargetPolicy.Builder t = TargetPolicy.builder("orders-db", "webhook", Duration.ofHours(1),
                        List.of(new Principal.UserId(BOB)))
                .requesters(new Principal.UserId(ALICE))
                .emergency(new EmergencyPolicy(Duration.ofMinutes(10), Duration.ofMinutes(30)));
        if (withReviewers) {
            t.reviewers(new Principal.UserId(SECURITY));
        }
        targets.put("orders-db", t.build());
        return new Policy(new Channels("C0APPROVALS", List.of("C0SECURITY")), targets, null, null, 1, null,
                new ReviewPolicy(EVERY, 2, required));
    }

    private final Policy policy = policy(ReviewPolicy.Required.ALWAYS, true);
    private final Fakes.UseCases grants = grants(policy);
    private final ReviewService reviews = reviews(policy);

    /** Both services on the shared fakes, under {@code policy}. */
    private Fakes.UseCases grants(Policy policy) {
        return Fakes.useCases(store, policy, new Fakes.People(), target, new Fakes.Vault(), timers, clock);
    }

    private ReviewService reviews(Policy policy) {
        return new ReviewService(store, policy, new Fakes.People(), timers, clock);
    }

    /** A grant of 30m that expired and was removed. */
    private Grant expired(Fakes.UseCases grants) {
        Grant g = ((Outcome.Done) grants.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                Optional.of(Duration.ofMinutes(30)), WHY, Optional.empty()))).grant();
        grants.requests().approve(g.id(), BOB);
        grants.access().provision(g.id());
        clock.advance(Duration.ofMinutes(30));
        return ((Outcome.Done) grants.access().expire(g.id())).grant();
    }

    private List<Instant> reviewTimers(GrantId id) {
        return timers.scheduled.stream().filter(t -> t.grant().equals(id) && t.due() == GrantScheduler.Due.REVIEW)
                .map(Fakes.Timer::when).toList();
    }

    private List<GrantEvent> eventsOf(Class<?> kind) {
        return events.published.stream().filter(kind::isInstance).toList();
    }

    private static Map<ReviewQuestion, String> answers(String text) {
        Map<ReviewQuestion, String> a = new EnumMap<>(ReviewQuestion.class);
        for (ReviewQuestion q : ReviewQuestion.values()) {
            a.put(q, text + " " + q.key());
        }
        return a;
    }

    @Test
    void theEndOfAccessSchedulesThePostMortemAtOnceAndItOpensOnce() {
        Grant g = expired(grants);
        Instant end = clock.instant();
        assertEquals(List.of(end), reviewTimers(g.id()), "opened by a timer, at once");
        assertInstanceOf(Outcome.Done.class, reviews.followUp(g.id()));
        Grant opened = store.find(g.id()).orElseThrow();
        assertEquals(Optional.of(end), opened.postMortem().openedAt());
        assertEquals(Optional.of(end.plus(EVERY)), opened.postMortem().nextReminderAt());
        assertEquals(List.of(end, end.plus(EVERY)), reviewTimers(g.id()), "the first reminder is scheduled");
        assertEquals(1, eventsOf(GrantEvent.PostMortemOpened.class).size());

        assertInstanceOf(Outcome.Unchanged.class, reviews.followUp(g.id()), "a timer firing twice opens once");
        assertEquals(0, reviews.sweep(), "nothing overdue");
        assertEquals(1, eventsOf(GrantEvent.PostMortemOpened.class).size());
    }

    @Test
    void remindersComeOnScheduleEscalateAfterNAndStopWhenTheReviewIsWritten() {
        Grant g = expired(grants);
        reviews.followUp(g.id());
        clock.advance(EVERY.minusSeconds(1));
        assertInstanceOf(Outcome.Unchanged.class, reviews.followUp(g.id()), "not yet due");
        assertEquals(List.of(), eventsOf(GrantEvent.ReviewReminded.class));

        for (int n = 1; n <= 4; n++) {
            clock.advance(n == 1 ? Duration.ofSeconds(1) : EVERY);
            assertInstanceOf(Outcome.Done.class, reviews.followUp(g.id()), "reminder " + n);
            assertInstanceOf(Outcome.Unchanged.class, reviews.followUp(g.id()), "reminder " + n + " only once");
        }
        List<GrantEvent> reminders = eventsOf(GrantEvent.ReviewReminded.class);
        assertEquals(List.of(1, 2, 3, 4), reminders.stream().map(e -> ((GrantEvent.ReviewReminded) e).number()).toList());
        assertEquals(List.of(false, false, true, true),
                reminders.stream().map(e -> ((GrantEvent.ReviewReminded) e).escalated()).toList(),
                "escalate-after 2: the third and later reminders escalate");
        assertEquals(4, store.find(g.id()).orElseThrow().postMortem().reminders());

        assertInstanceOf(Outcome.Done.class, reviews.write(g.id(), ALICE, answers("fine")));
        Grant written = store.find(g.id()).orElseThrow();
        assertEquals(Optional.empty(), written.postMortem().nextReminderAt());
        clock.advance(EVERY.multipliedBy(3));
        assertInstanceOf(Outcome.Unchanged.class, reviews.followUp(g.id()));
        assertEquals(0, reviews.sweep());
        assertEquals(4, eventsOf(GrantEvent.ReviewReminded.class).size(), "no reminder after the review");
    }

    @Test
    void afterAnOutageOneReminderGoesOutNotABurst() {
        Grant g = expired(grants);
        reviews.followUp(g.id());
        clock.advance(EVERY.multipliedBy(5));
        assertEquals(1, reviews.sweep());
        assertEquals(0, reviews.sweep());
        assertEquals(1, eventsOf(GrantEvent.ReviewReminded.class).size());
        assertEquals(Optional.of(clock.instant().plus(EVERY)),
                store.find(g.id()).orElseThrow().postMortem().nextReminderAt());
    }

    @Test
    void theSweepOpensAPostMortemWhoseTimerWasLost() {
        Grant g = expired(grants);
        timers.scheduled.clear();
        assertEquals(1, reviews.sweep());
        assertTrue(store.find(g.id()).orElseThrow().postMortem().openedAt().isPresent());
    }

    @Test
    void onlyTheRequesterWritesOnceWithEveryQuestionAnsweredAndOnlyAfterAccessEnded() {
        Grant active = ((Outcome.Done) grants.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                Optional.of(Duration.ofMinutes(30)), WHY, Optional.empty()))).grant();
        grants.requests().approve(active.id(), BOB);
        grants.access().provision(active.id());
        Outcome early = reviews.write(active.id(), ALICE, answers("too early"));
        assertInstanceOf(Outcome.Refused.class, early);
        assertTrue(ShippedWords.of(early.reply()).contains("once its access is confirmed removed"), ShippedWords.of(early.reply()));

        Grant g = expired(grants);
        Outcome other = reviews.write(g.id(), BOB, answers("not mine"));
        assertInstanceOf(Outcome.Refused.class, other);
        assertTrue(ShippedWords.of(other.reply()).startsWith("Only @U0ALICE writes the review"), ShippedWords.of(other.reply()));

        Map<ReviewQuestion, String> missing = answers("partial");
        missing.put(ReviewQuestion.DURATION, "   ");
        Outcome blank = reviews.write(g.id(), ALICE, missing);
        assertInstanceOf(Outcome.Refused.class, blank);
        assertTrue(ShippedWords.of(blank.reply()).contains("Was the duration right?"), ShippedWords.of(blank.reply()));

        Map<ReviewQuestion, String> tooLong = answers("long");
        tooLong.put(ReviewQuestion.CONCERNS, "x".repeat(Review.MAX_ANSWER_LENGTH + 1));
        assertInstanceOf(Outcome.Refused.class, reviews.write(g.id(), ALICE, tooLong));
        Map<ReviewQuestion, String> hidden = answers("hidden");
        hidden.put(ReviewQuestion.CONCERNS, "none \u202Ereally");
        Outcome bidi = reviews.write(g.id(), ALICE, hidden);
        assertInstanceOf(Outcome.Refused.class, bidi);
        assertTrue(ShippedWords.of(bidi.reply()).contains("U+202E"), ShippedWords.of(bidi.reply()));
        assertEquals(Optional.empty(), store.find(g.id()).orElseThrow().postMortem().review(), "refusals change nothing");

        clock.advance(Duration.ofMinutes(7));
        Map<ReviewQuestion, String> padded = answers("yes");
        padded.replaceAll((q, a) -> "\n  " + a + "  \n");
        assertInstanceOf(Outcome.Done.class, reviews.write(g.id(), ALICE, padded));
        Review review = store.find(g.id()).orElseThrow().postMortem().review().orElseThrow();
        assertEquals(ALICE, review.author());
        assertEquals(clock.instant(), review.writtenAt());
        assertEquals("yes necessary", review.answers().get(ReviewQuestion.NECESSARY), "answers are stripped");
        assertEquals(ReviewQuestion.asked(false), List.copyOf(review.answers().keySet()));

        assertInstanceOf(Outcome.Unchanged.class, reviews.write(g.id(), ALICE, answers("again")), "written once");
        assertEquals("yes necessary", store.find(g.id()).orElseThrow().postMortem().review().orElseThrow().answers()
                .get(ReviewQuestion.NECESSARY));
        assertEquals(1, eventsOf(GrantEvent.ReviewWritten.class).size());
    }

    @Test
    void aReviewerSignsOffAWrittenReviewAndTheGrantIsReviewed() {
        Grant g = expired(grants);
        Outcome tooSoon = reviews.signOff(g.id(), SECURITY);
        assertInstanceOf(Outcome.Refused.class, tooSoon);
        assertTrue(ShippedWords.of(tooSoon.reply()).contains("has not written the review"), ShippedWords.of(tooSoon.reply()));
        reviews.write(g.id(), ALICE, answers("done"));

        Outcome own = reviews.signOff(g.id(), ALICE);
        assertInstanceOf(Outcome.Refused.class, own);
        assertTrue(ShippedWords.of(own.reply()).contains("your own access"), ShippedWords.of(own.reply()));
        Outcome approver = reviews.signOff(g.id(), BOB);
        assertInstanceOf(Outcome.Refused.class, approver, "with reviewers configured, approvers do not sign off");
        assertInstanceOf(Outcome.Refused.class, reviews.signOff(g.id(), MALLORY));
        assertEquals(GrantState.EXPIRED, store.find(g.id()).orElseThrow().state());

        clock.advance(Duration.ofMinutes(3));
        assertInstanceOf(Outcome.Done.class, reviews.signOff(g.id(), SECURITY));
        Grant reviewed = store.find(g.id()).orElseThrow();
        assertEquals(GrantState.REVIEWED, reviewed.state());
        assertEquals(Optional.of(new SignOff(SECURITY, clock.instant())), reviewed.postMortem().signOff());
        assertInstanceOf(Outcome.Unchanged.class, reviews.signOff(g.id(), SECURITY));
        assertEquals(1, eventsOf(GrantEvent.Reviewed.class).size());
        assertInstanceOf(Outcome.Unchanged.class, reviews.followUp(g.id()), "no reminders once reviewed");
    }

    @Test
    void withoutReviewersTheApproversSignOff() {
        Policy noReviewers = policy(ReviewPolicy.Required.ALWAYS, false);
        Fakes.UseCases grants = grants(noReviewers);
        ReviewService reviews = reviews(noReviewers);
        Grant g = expired(grants);
        reviews.write(g.id(), ALICE, answers("done"));
        assertInstanceOf(Outcome.Refused.class, reviews.signOff(g.id(), SECURITY));
        assertInstanceOf(Outcome.Done.class, reviews.signOff(g.id(), BOB));
        assertEquals(GrantState.REVIEWED, store.find(g.id()).orElseThrow().state());
    }

    @Test
    void whenOnlyEmergenciesRequireAReviewOrdinaryGrantsGetTheThreadButNoReminders() {
        Policy relaxed = policy(ReviewPolicy.Required.EMERGENCY, true);
        Fakes.UseCases grants = grants(relaxed);
        ReviewService reviews = reviews(relaxed);
        Grant ordinary = expired(grants);
        reviews.followUp(ordinary.id());
        assertFalse(reviews.required(store.find(ordinary.id()).orElseThrow()));
        assertEquals(Optional.empty(), store.find(ordinary.id()).orElseThrow().postMortem().nextReminderAt());
        clock.advance(EVERY.multipliedBy(3));
        assertEquals(0, reviews.sweep());
        assertEquals(List.of(), eventsOf(GrantEvent.ReviewReminded.class));
        assertInstanceOf(Outcome.Done.class, reviews.write(ordinary.id(), ALICE, answers("optional but written")));

        Grant emergency = ((Outcome.Done) grants.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                Optional.of(Duration.ofMinutes(20)), WHY, Optional.empty()))).grant();
        clock.advance(Duration.ofMinutes(10));
        grants.requests().breakGlass(emergency.id(), ALICE);
        grants.access().provision(emergency.id());
        clock.advance(Duration.ofMinutes(20));
        grants.access().expire(emergency.id());
        reviews.followUp(emergency.id());
        Grant e = store.find(emergency.id()).orElseThrow();
        assertTrue(e.emergency());
        assertTrue(reviews.required(e), "emergency grants always require the review");
        assertEquals(Optional.of(clock.instant().plus(EVERY)), e.postMortem().nextReminderAt());
    }

    @Test
    void aGrantThatNeverGaveAccessHasNoPostMortem() {
        Grant g = ((Outcome.Done) grants.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                Optional.of(Duration.ofMinutes(30)), WHY, Optional.empty()))).grant();
        grants.requests().deny(g.id(), BOB, "use the read replica");
        assertInstanceOf(Outcome.Unchanged.class, reviews.followUp(g.id()));
        Outcome write = reviews.write(g.id(), ALICE, answers("nothing"));
        assertInstanceOf(Outcome.Refused.class, write);
        assertTrue(ShippedWords.of(write.reply()).contains("never gave access"), ShippedWords.of(write.reply()));
        assertEquals(List.of(), eventsOf(GrantEvent.PostMortemOpened.class));
    }

    @Test
    void theGrantRefusesReviewStepsOutOfOrder() {
        Grant g = expired(grants);
        Review byBob = new Review(BOB, clock.instant(), answers("x"));
        assertThrows(IllegalStateException.class, () -> g.reviewWritten(byBob));
        assertThrows(IllegalStateException.class, () -> g.reviewSignedOff(SECURITY, clock.instant()));
        assertThrows(IllegalArgumentException.class, () -> new Review(ALICE, clock.instant(), Map.of()));
    }
}

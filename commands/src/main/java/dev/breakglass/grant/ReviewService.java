package dev.breakglass.grant;

import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.policy.Permission;
import dev.breakglass.policy.Permissions;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.ReviewPolicy;
import dev.breakglass.port.GrantScheduler;
import dev.breakglass.port.GrantStore;
import dev.breakglass.port.PeopleDirectory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static dev.breakglass.grant.Reply.person;

/**
 * The use cases of the post-mortem, once a grant's access is confirmed gone (EXPIRED or REVOKED): open the
 * thread, remind the requester until the review is written (escalating to the notify channels after the
 * policy's {@code escalate-after} reminders), take the requester's answers, and let a reviewer sign it off
 * (REVIEWED).
 *
 * <p>Who: only the requester writes the review; the target's {@code reviewers} sign it off, or its
 * {@code approvers} when it names no reviewers, never the requester. A review is written once and not
 * changed afterwards (the audit log keeps it). Emergency grants always require it; other grants when the
 * policy's {@code review.required} is {@code always} (the default). A grant whose review is not required
 * gets the thread and no reminders, and may still be reviewed and signed off.
 *
 * <p>Every change goes through the same compare-and-set as the other use cases ({@link GrantChanges}): a reminder timer that fires
 * twice, or fires together with the sweep, reminds once.
 */
public final class ReviewService {
    private final GrantStore store;
    private final Policy policy;
    private final Permissions permissions;
    private final GrantScheduler scheduler;
    private final Clock clock;
    private final GrantChanges changes;

    public ReviewService(GrantStore store, Policy policy, PeopleDirectory people,
                         GrantScheduler scheduler, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.permissions = new Permissions(policy, people);
        this.scheduler = scheduler;
        this.clock = clock;
        this.changes = new GrantChanges(store);
    }

    /** Whether the review of {@code grant} is required: always for emergency grants, else per policy. */
    public boolean required(Grant grant) {
        return policy.review().requires(grant.emergency());
    }

    /**
     * The REVIEW timer: opens the post-mortem when it is not open yet, else sends the reminder that is due.
     * Idempotent: nothing happens before the next reminder is due, after the review is written, for a grant
     * that does not need reminders, or one whose access is not confirmed gone.
     */
    public Outcome followUp(GrantId id) {
        ReviewPolicy rules = policy.review();
        return changes.change(id, g -> {
            if (!g.awaitsReview()) {
                return Step.stop(new Outcome.Unchanged(g, Reply.named("review.noPostMortem", "id", g.id())));
            }
            Instant now = clock.instant();
            PostMortem pm = g.postMortem();
            if (pm.openedAt().isEmpty()) {
                Optional<Instant> first = required(g) && pm.review().isEmpty()
                        ? Optional.of(now.plus(rules.remindEvery())) : Optional.empty();
                return Step.save(g.postMortemOpened(now, first), GrantEvent.PostMortemOpened::new,
                        Reply.named("review.opened", "id", g.id()), saved -> remindAt(saved));
            }
            if (pm.nextReminderAt().isEmpty()) {
                return Step.stop(new Outcome.Unchanged(g, Reply.named("review.noReminder", "id", g.id())));
            }
            if (now.isBefore(pm.nextReminderAt().get())) {
                return Step.stop(new Outcome.Unchanged(g, Reply.named("review.reminderNotDue", "id", g.id(),
                        "at", pm.nextReminderAt().get())));
            }
            int number = pm.reminders() + 1;
            boolean escalated = number > rules.escalateAfter();
            // The next one counts from now, not from when this one was due: after an outage, one reminder, not a burst.
            return Step.save(g.reviewReminded(now, now.plus(rules.remindEvery())),
                    saved -> new GrantEvent.ReviewReminded(saved, number, escalated),
                    Reply.named("review.reminded", "requester", person(g.requester()), "id", g.id()),
                    saved -> remindAt(saved));
        });
    }

    private void remindAt(Grant saved) {
        saved.postMortem().nextReminderAt().ifPresent(t -> scheduler.schedule(saved.id(), GrantScheduler.Due.REVIEW, t));
    }

    /**
     * Whether {@code user} may write the review of {@code id} now (to open the form): Done with the grant when
     * they may, else the refusal they would get on submitting.
     */
    public Outcome mayWrite(GrantId id, String user) {
        Optional<Grant> found = store.find(id);
        if (found.isEmpty()) {
            return new Outcome.Refused(Reply.named("grant.notFound", "id", id));
        }
        return writeRefusal(found.get(), user).orElseGet(() -> new Outcome.Done(found.get(), Reply.of("")));
    }

    /**
     * The requester's answers: stored once, reminders stop, and the thread and channels are told.
     *
     * @param answers one per question asked about the grant ({@link ReviewQuestion#askedAbout}); a missing, blank or
     *                overlong answer is refused (see {@link Review#problems}), an answer to a question not asked is
     *                dropped
     */
    public Outcome write(GrantId id, String user, Map<ReviewQuestion, String> answers) {
        return changes.change(id, g -> {
            Optional<Outcome> no = writeRefusal(g, user);
            if (no.isPresent()) {
                return Step.stop(no.get());
            }
            List<ReviewQuestion> asked = ReviewQuestion.askedAbout(g);
            Map<ReviewQuestion, Reply> problems = Review.problems(answers, asked);
            if (!problems.isEmpty()) {
                Map.Entry<ReviewQuestion, Reply> first = problems.entrySet().iterator().next();
                return Step.stop(new Outcome.Refused(Reply.named("review.invalidAnswer",
                        "question", first.getKey().text(), "problem", first.getValue())));
            }
            Map<ReviewQuestion, String> kept = new java.util.EnumMap<>(ReviewQuestion.class);
            asked.forEach(q -> kept.put(q, answers.get(q))); // an answer to a question not asked is not kept
            Review review = new Review(user, clock.instant(), kept);
            return Step.save(g.reviewWritten(review), saved -> new GrantEvent.ReviewWritten(saved, Actor.person(user)),
                    Reply.named("review.written", "id", g.id(), "signers", signersText(g)), saved -> { });
        });
    }

    private Optional<Outcome> writeRefusal(Grant g, String user) {
        if (permissions.may(Permissions.Act.WRITE_REVIEW, g, user) instanceof Permission.Refused no) {
            return Optional.of(new Outcome.Refused(no.reply()));
        }
        Function<Grant, Reply> why = x -> x.state() == GrantState.REVIEWED || x.postMortem().review().isPresent()
                ? Reply.named("review.alreadyWritten", "id", x.id())
                : Reply.named("review.notYet", "id", x.id(), "state", x.state().word(), "holdsAccess",
                x.state().holdsAccess());
        Optional<Outcome> notNow = Step.whyNot(g, GrantState.Action.WRITE_REVIEW, why);
        if (notNow.isPresent()) {
            return notNow;
        }
        if (g.postMortem().review().isPresent()) {
            return Optional.of(new Outcome.Unchanged(g, why.apply(g)));
        }
        return g.awaitsReview() ? Optional.empty() : Optional.of(new Outcome.Refused(why.apply(g)));
    }

    /**
     * A reviewer accepts the written review: REVIEWED. Refused for the requester, for someone who is not a
     * reviewer of the target, and before the review is written.
     */
    public Outcome signOff(GrantId id, String user) {
        Function<Grant, Reply> why = x -> x.state() == GrantState.REVIEWED
                ? Reply.named("review.alreadySignedOff", "id", x.id(), "by",
                person(x.postMortem().signOff().map(SignOff::by).orElse("?")))
                : Reply.named("review.nothingToSignOff", "id", x.id(), "state", x.state().word());
        return changes.change(id, GrantState.Action.SIGN_OFF, why, g -> {
            if (!g.awaitsReview()) {
                return Step.stop(new Outcome.Refused(why.apply(g)));
            }
            if (permissions.may(Permissions.Act.SIGN_OFF, g, user) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            if (g.postMortem().review().isEmpty()) {
                return Step.stop(new Outcome.Refused(Reply.named("review.notWrittenYet",
                        "requester", person(g.requester()), "id", g.id())));
            }
            return Step.save(g.reviewSignedOff(user, clock.instant()), saved -> new GrantEvent.Reviewed(saved, user),
                    Reply.named("review.signedOff", "id", g.id()), saved -> { });
        });
    }

    private Reply signersText(Grant g) {
        return Permissions.signersText(policy, g);
    }

    /**
     * Catches what a REVIEW timer missed: post-mortems not opened yet and reminders overdue.
     *
     * @return how many grants it acted on
     */
    public int sweep() {
        int acted = 0;
        for (Grant g : store.findPostMortemsDue(clock.instant())) {
            if (followUp(g.id()) instanceof Outcome.Done) {
                acted++;
            }
        }
        return acted;
    }

}

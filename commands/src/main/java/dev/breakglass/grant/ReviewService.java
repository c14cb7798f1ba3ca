package dev.breakglass.grant;

import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.ReviewPolicy;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.GrantScheduler;
import dev.breakglass.port.GrantStore;
import dev.breakglass.port.PeopleDirectory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * <p>Every change goes through the same compare-and-set as {@link GrantService}: a reminder timer that fires
 * twice, or fires together with the sweep, reminds once.
 */
public final class ReviewService {
    private final GrantStore store;
    private final Policy policy;
    private final PeopleDirectory people;
    private final GrantScheduler scheduler;
    private final Clock clock;
    private final GrantChanges changes;

    public ReviewService(GrantStore store, Policy policy, PeopleDirectory people,
                         GrantScheduler scheduler, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.people = people;
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
                return Step.stop(new Outcome.Unchanged(g, Reply.of(g.id(), " has no post-mortem to follow up.")));
            }
            Instant now = clock.instant();
            PostMortem pm = g.postMortem();
            if (pm.openedAt().isEmpty()) {
                Optional<Instant> first = required(g) && pm.review().isEmpty()
                        ? Optional.of(now.plus(rules.remindEvery())) : Optional.empty();
                return Step.save(g.postMortemOpened(now, first), GrantEvent.PostMortemOpened::new,
                        Reply.of("Opened the post-mortem of ", g.id(), "."), saved -> remindAt(saved));
            }
            if (pm.nextReminderAt().isEmpty()) {
                return Step.stop(new Outcome.Unchanged(g, Reply.of(g.id(), " needs no reminder.")));
            }
            if (now.isBefore(pm.nextReminderAt().get())) {
                return Step.stop(new Outcome.Unchanged(g, Reply.of("The next reminder for ", g.id(), " is due at ",
                        pm.nextReminderAt().get(), ".")));
            }
            int number = pm.reminders() + 1;
            boolean escalated = number > rules.escalateAfter();
            // The next one counts from now, not from when this one was due: after an outage, one reminder, not a burst.
            return Step.save(g.reviewReminded(now, now.plus(rules.remindEvery())),
                    saved -> new GrantEvent.ReviewReminded(saved, number, escalated),
                    Reply.of("Reminded ", person(g.requester()), " of the review of ", g.id(), "."),
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
            return new Outcome.Refused(Reply.of("There is no grant ", id, "."));
        }
        return writeRefusal(found.get(), user).orElseGet(() -> new Outcome.Done(found.get(), Reply.of("")));
    }

    /**
     * The requester's answers: stored once, reminders stop, and the thread and channels are told.
     *
     * @param answers one per question; a blank or overlong answer is refused (see {@link Review#problems})
     */
    public Outcome write(GrantId id, String user, Map<ReviewQuestion, String> answers) {
        Map<ReviewQuestion, String> problems = Review.problems(answers);
        if (!problems.isEmpty()) {
            Map.Entry<ReviewQuestion, String> first = problems.entrySet().iterator().next();
            return new Outcome.Refused(Reply.of("\"", first.getKey().text(), "\": ", first.getValue()));
        }
        return changes.change(id, g -> {
            Optional<Outcome> no = writeRefusal(g, user);
            if (no.isPresent()) {
                return Step.stop(no.get());
            }
            Review review = new Review(user, clock.instant(), answers);
            return Step.save(g.reviewWritten(review), saved -> new GrantEvent.ReviewWritten(saved, Actor.person(user)),
                    Reply.of("Thank you: the review of ", g.id(), " is in its thread, for ", signersText(g),
                            " to sign off."), saved -> { });
        });
    }

    private Optional<Outcome> writeRefusal(Grant g, String user) {
        if (!g.requester().equals(user)) {
            return Optional.of(new Outcome.Refused(Reply.of("Only ", person(g.requester()), " writes the review of ",
                    g.id(), ". Reviewers sign it off once it is written.")));
        }
        if (g.state() == GrantState.REVIEWED || g.postMortem().review().isPresent()) {
            return Optional.of(new Outcome.Unchanged(g, Reply.of("You already wrote the review of ", g.id(),
                    "; it is in the post-mortem thread.")));
        }
        if (!g.awaitsReview()) {
            return Optional.of(new Outcome.Refused(Reply.of(g.id(), " is ", word(g.state()), g.state().holdsAccess()
                    ? "; the review opens once its access is confirmed removed."
                    : "; it never gave access, so there is nothing to review.")));
        }
        return Optional.empty();
    }

    /**
     * A reviewer accepts the written review: REVIEWED. Refused for the requester, for someone who is not a
     * reviewer of the target, and before the review is written.
     */
    public Outcome signOff(GrantId id, String user) {
        return changes.change(id, g -> {
            if (g.state() == GrantState.REVIEWED) {
                return Step.stop(new Outcome.Unchanged(g, Reply.of(g.id(), " was already signed off by ",
                        person(g.postMortem().signOff().map(SignOff::by).orElse("?")), ".")));
            }
            if (!g.awaitsReview()) {
                return Step.stop(new Outcome.Refused(Reply.of(g.id(), " is ", word(g.state()),
                        "; there is no review to sign off.")));
            }
            if (g.requester().equals(user)) {
                return Step.stop(new Outcome.Refused(Reply.of("You cannot sign off the review of your own access; ",
                        signersText(g), " does.")));
            }
            if (!Membership.allowsNow(people, signers(g), user)) {
                return Step.stop(new Outcome.Refused(Reply.of("You are not a reviewer of ", g.target(),
                        ", so you cannot sign off ", g.id(), ".")));
            }
            if (g.postMortem().review().isEmpty()) {
                return Step.stop(new Outcome.Refused(Reply.of(person(g.requester()), " has not written the review of ",
                        g.id(), " yet; sign it off once it is in the thread.")));
            }
            return Step.save(g.reviewSignedOff(user, clock.instant()), saved -> new GrantEvent.Reviewed(saved, user),
                    Reply.of("You signed off the review of ", g.id(), "."), saved -> { });
        });
    }

    /**
     * Whether {@code user} signs off reviews of {@code grant}: its target's reviewers, else its approvers. For
     * showing the button; signing off itself checks the memberships as they are at that moment.
     */
    public boolean maySignOff(Grant grant, String user) {
        return !grant.requester().equals(user) && Membership.allows(people, signers(grant), user);
    }

    /** Who signs off reviews of {@code grant}; empty when its target left the policy. */
    public List<Principal> signers(Grant grant) {
        Optional<TargetPolicy> target = policy.target(grant.target());
        if (target.isEmpty()) {
            return List.of();
        }
        return target.get().reviewers().isEmpty() ? target.get().approvers() : target.get().reviewers();
    }

    private String signersText(Grant g) {
        return signersText(policy, g);
    }

    /** Who signs off reviews of {@code g}, in words: "a reviewer of orders-db" or "an approver of orders-db". */
    public static String signersText(Policy policy, Grant g) {
        Optional<TargetPolicy> target = policy.target(g.target());
        return target.map(t -> t.reviewers().isEmpty() ? "an approver of " + t.name() : "a reviewer of " + t.name())
                .orElse("a reviewer");
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

    private static String word(GrantState state) {
        return state.name().toLowerCase().replace('_', ' ');
    }
}

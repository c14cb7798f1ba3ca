package dev.breakglass.stepup;

import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.Reply;
import dev.breakglass.policy.Permission;
import dev.breakglass.policy.Permissions;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.StepUpPolicy;
import dev.breakglass.port.PeopleDirectory;
import dev.breakglass.port.StepUp;
import dev.breakglass.port.StepUpAttempts;
import dev.breakglass.port.StepUpEvents;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;

import static dev.breakglass.grant.Reply.person;

/**
 * The use cases of step-up: check a code before an action ({@link #verify}), enrol ({@link #enrol},
 * {@link #confirm}), {@link #status}, and {@link #reset} by a security admin.
 *
 * <p>Failures: a wrong, expired or replayed code counts, whether typed for an action or to confirm an enrolment;
 * {@value StepUpPolicy#MAX_FAILURES} within {@link StepUpPolicy#FAILURE_WINDOW} lock the person's step-up for
 * {@link StepUpPolicy#LOCKOUT} (the notify channels are alerted through {@link StepUpEvents}). While locked no code
 * is even looked at, so a lockout cannot be used to guess. A blank code, or one typed by someone not enrolled,
 * does not count: nothing was guessed. A success forgets earlier failures. The replies never hold a code or a
 * secret.
 */
public final class StepUpService {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Policy policy;
    private final StepUp factor;
    private final StepUpAttempts attempts;
    private final StepUpEvents events;
    private final Permissions permissions;
    private final Clock clock;

    public StepUpService(Policy policy, StepUp factor, StepUpAttempts attempts, StepUpEvents events,
                         PeopleDirectory people, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.factor = Objects.requireNonNull(factor, "factor");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.events = Objects.requireNonNull(events, "events");
        this.permissions = new Permissions(policy, Objects.requireNonNull(people, "people"));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What a code check gave. */
    public sealed interface Verdict {
        /** The code passed: hand {@code proof} to the use case it was typed for. */
        record Passed(StepUpProof proof) implements Verdict {
        }

        /** It did not; {@code reply} says why and what to do (never the code). */
        record Refused(Reply reply) implements Verdict {
        }
    }

    /** What starting an enrolment gave. */
    public sealed interface Enrolling {
        /** Show {@code enrolment} to the person (the enrolment modal only: it may hold the secret). */
        record Started(StepUp.Enrolment enrolment) implements Enrolling {
        }

        /** Not now: already enrolled, or locked. */
        record Refused(Reply reply) implements Enrolling {
        }
    }

    /** The factor's name ({@code totp}, or a plugin's). */
    public String factor() {
        return factor.type();
    }

    /** Whether {@code user} has a confirmed enrolment. */
    public boolean enrolled(String user) {
        return factor.enrolled(user);
    }

    /** What to tell someone who needs step-up and has not enrolled; their request or approval waits. */
    public static Reply howToEnrol(String what) {
        return Reply.named("stepUp.howToEnrol", "what", what);
    }

    /** {@link #howToEnrol(String)} naming the action by a named reply. */
    public static Reply howToEnrol(Reply what) {
        return Reply.named("stepUp.howToEnrol", "what", what);
    }

    /**
     * Checks {@code code} of {@code user}, typed for {@code action} (on {@code grant}, when it exists already).
     *
     * @return a proof for the use case, or why not
     */
    public Verdict verify(String user, String code, StepUpPolicy.Action action, Optional<GrantId> grant) {
        Instant now = clock.instant();
        Optional<Reply> locked = locked(user, now);
        if (locked.isPresent()) {
            return new Verdict.Refused(locked.get());
        }
        if (!factor.enrolled(user)) {
            return new Verdict.Refused(howToEnrol(describe(action, grant)));
        }
        String typed = normalised(code);
        if (typed.isEmpty() && !acceptsBlank()) {
            return new Verdict.Refused(Reply.named("stepUp.noCode"));
        }
        StepUp.Check check = factor.verify(user, typed);
        if (check instanceof StepUp.Check.Failed failed) {
            if (failed.why() == StepUp.Failure.NOT_ENROLLED) {
                return new Verdict.Refused(howToEnrol(describe(action, grant)));
            }
            return new Verdict.Refused(failure(user, failed.why(), Optional.of(action), grant, now));
        }
        attempts.clear(user);
        events.publish(new StepUpEvent.Verified(user, action, grant, now));
        return new Verdict.Passed(new StepUpProof(user, now));
    }

    /**
     * Starts {@code user}'s enrolment (again, while unconfirmed: each start makes a new secret).
     */
    public Enrolling enrol(String user) {
        Optional<Reply> locked = locked(user, clock.instant());
        if (locked.isPresent()) {
            return new Enrolling.Refused(locked.get());
        }
        if (factor.enrolled(user)) {
            return new Enrolling.Refused(Reply.named("stepUp.alreadyEnrolledLostDevice", "type", factor.type()));
        }
        return new Enrolling.Started(factor.enrol(user));
    }

    /** Confirms {@code user}'s enrolment with the first code; a wrong one counts as a failure. */
    public Verdict confirm(String user, String code) {
        Instant now = clock.instant();
        Optional<Reply> locked = locked(user, now);
        if (locked.isPresent()) {
            return new Verdict.Refused(locked.get());
        }
        if (factor.enrolled(user)) {
            return new Verdict.Refused(Reply.named("stepUp.alreadyEnrolled"));
        }
        String typed = normalised(code);
        if (typed.isEmpty() && !acceptsBlank()) {
            return new Verdict.Refused(Reply.named("stepUp.noCode"));
        }
        StepUp.Check check = factor.confirm(user, typed);
        if (check instanceof StepUp.Check.Failed failed) {
            if (failed.why() == StepUp.Failure.NOT_ENROLLED) {
                return new Verdict.Refused(Reply.named("stepUp.enrolmentRestarted"));
            }
            return new Verdict.Refused(failure(user, failed.why(), Optional.empty(), Optional.empty(), now));
        }
        attempts.clear(user);
        events.publish(new StepUpEvent.Enrolled(user, factor.type(), now));
        return new Verdict.Passed(new StepUpProof(user, now));
    }

    /** {@code /breakglass mfa status}: enrolled or not, locked or not, and where step-up applies. */
    public Reply status(String user) {
        Instant now = clock.instant();
        String targets = policy.targets().values().stream()
                .filter(t -> t.stepUp() != dev.breakglass.policy.StepUpRule.NONE)
                .map(t -> t.name() + " (" + t.stepUp().policyName() + ")").reduce((a, b) -> a + ", " + b)
                .orElse("none");
        Optional<Instant> lockedUntil = lockedUntil(user, now);
        return Reply.named("stepUp.status", "lockedNow", lockedUntil.isPresent(),
                "until", lockedUntil.map(HOUR::format).orElse(""), "max", StepUpPolicy.MAX_FAILURES,
                "enrolled", factor.enrolled(user), "type", factor.type(), "targets", targets,
                "emergencyAlways", policy.stepUp().emergencyAlways());
    }

    /**
     * {@code /breakglass mfa reset <user>}: a security admin ({@code step-up.admins}, memberships as they are now)
     * removes {@code user}'s enrolment and lockout; {@code user} is told through {@link StepUpEvents}.
     */
    public Reply reset(String admin, String user) {
        if (permissions.mayResetStepUp(admin) instanceof Permission.Refused no) {
            return no.reply();
        }
        boolean had = factor.reset(user);
        attempts.clear(user);
        if (!had) {
            return Reply.named("stepUp.resetNothing", "user", person(user));
        }
        events.publish(new StepUpEvent.Reset(user, admin, clock.instant()));
        return Reply.named("stepUp.reset", "user", person(user));
    }

    /** Why {@code user} cannot try a code now; empty unless locked. */
    private Optional<Reply> locked(String user, Instant now) {
        return lockedUntil(user, now).map(until -> Reply.named("stepUp.locked", "until", HOUR.format(until),
                "max", StepUpPolicy.MAX_FAILURES));
    }

    /** Until when {@code user} cannot try a code; empty unless locked now. */
    private Optional<Instant> lockedUntil(String user, Instant now) {
        return attempts.lockedUntil(user).filter(now::isBefore);
    }

    /** Counts a failure, locks at the limit, and says what went wrong. */
    private Reply failure(String user, StepUp.Failure why, Optional<StepUpPolicy.Action> action,
                          Optional<GrantId> grant, Instant now) {
        int failures = attempts.failed(user, now, now.minus(StepUpPolicy.FAILURE_WINDOW));
        events.publish(new StepUpEvent.Failed(user, action, grant, why, failures, now));
        if (failures >= StepUpPolicy.MAX_FAILURES) {
            Instant until = now.plus(StepUpPolicy.LOCKOUT);
            attempts.lock(user, until);
            events.publish(new StepUpEvent.LockedOut(user, until, grant, now));
            return locked(user, now).orElseThrow();
        }
        int left = StepUpPolicy.MAX_FAILURES - failures;
        return Reply.named("stepUp.failed", switch (why) { // the section naming the problem
            case WRONG -> "wrong";
            case EXPIRED -> "expired";
            case REPLAYED -> "replayed";
            case NOT_ENROLLED -> "notEnrolled";
        }, true, "left", left, "oneLeft", left == 1, "minutes", StepUpPolicy.LOCKOUT.toMinutes());
    }

    /** A push factor takes no code; a code factor needs one. */
    private boolean acceptsBlank() {
        return !policy.stepUp().factor().equals(StepUpPolicy.BUILT_IN_FACTOR);
    }

    private static String normalised(String code) {
        return code == null ? "" : code.replaceAll("[\\s-]", "");
    }

    /** The action waiting for step-up ("Approving (BG-7)"): a section of {@code reply-step-up} per action. */
    private static Reply describe(StepUpPolicy.Action action, Optional<GrantId> grant) {
        String section = switch (action) {
            case REQUEST -> "requestingAccess";
            case APPROVE -> "approving";
            case BREAK_GLASS -> "breakingTheGlass";
            case EXTEND -> "askingForMoreTime";
            case APPROVE_EXTENSION -> "approvingMoreTime";
        };
        return Reply.named("stepUp." + section, "id", grant.map(GrantId::toString).orElse(""));
    }
}

package dev.breakglass.stepup;

import dev.breakglass.grant.GrantId;
import dev.breakglass.policy.StepUpPolicy;
import dev.breakglass.port.StepUp;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened in step-up, past tense; for the audit log, the notify channels and the people concerned. None
 * carries a secret or a code. {@code grant} and {@code action} say what the code was typed for, when it was typed
 * for an action on a grant (a request not yet made has no grant).
 */
public sealed interface StepUpEvent {
    /** Who it is about. */
    String user();

    /** When. */
    Instant at();

    /** {@code user} confirmed their enrolment with a first code. */
    record Enrolled(String user, String factor, Instant at) implements StepUpEvent {
        public Enrolled {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(factor, "factor");
            Objects.requireNonNull(at, "at");
        }
    }

    /** {@code user} passed step-up for {@code action}. */
    record Verified(String user, StepUpPolicy.Action action, Optional<GrantId> grant, Instant at)
            implements StepUpEvent {
        public Verified {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(grant, "grant");
            Objects.requireNonNull(at, "at");
        }
    }

    /** A code of {@code user} did not pass; {@code failures} in the current window so far. */
    record Failed(String user, Optional<StepUpPolicy.Action> action, Optional<GrantId> grant, StepUp.Failure why,
                  int failures, Instant at) implements StepUpEvent {
        public Failed {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(grant, "grant");
            Objects.requireNonNull(why, "why");
            Objects.requireNonNull(at, "at");
        }
    }

    /** Too many failures: {@code user}'s step-up is locked until {@code until}. */
    record LockedOut(String user, Instant until, Optional<GrantId> grant, Instant at) implements StepUpEvent {
        public LockedOut {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(until, "until");
            Objects.requireNonNull(grant, "grant");
            Objects.requireNonNull(at, "at");
        }
    }

    /** A security admin, {@code by}, removed {@code user}'s enrolment (a lost phone): they must enrol again. */
    record Reset(String user, String by, Instant at) implements StepUpEvent {
        public Reset {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(at, "at");
        }
    }
}

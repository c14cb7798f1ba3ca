package dev.breakglass.stepup;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Evidence that a person passed step-up a moment ago. Only {@link StepUpService#verify} makes one (the
 * constructor is not public), so a use case that asks for a proof cannot be satisfied by a button click alone:
 * whatever reaches it without a fresh code has none.
 *
 * <p>A proof vouches only for its own person, and only for {@link #VALID_FOR} after the code was checked: enough
 * to carry out the action the code was typed for, never a session.
 */
public final class StepUpProof {
    /** How long after the check a proof still counts. */
    public static final Duration VALID_FOR = Duration.ofMinutes(2);

    private final String user;
    private final Instant at;

    StepUpProof(String user, Instant at) {
        this.user = Objects.requireNonNull(user, "user");
        this.at = Objects.requireNonNull(at, "at");
    }

    /** Who passed. */
    public String user() {
        return user;
    }

    /** When the code was checked. */
    public Instant at() {
        return at;
    }

    /** True when this proof is {@code user}'s and {@code now} lies within {@link #VALID_FOR} of the check. */
    public boolean vouchesFor(String user, Instant now) {
        return this.user.equals(user) && !now.isBefore(at.minus(Duration.ofSeconds(5)))
                && !now.isAfter(at.plus(VALID_FOR));
    }

    @Override
    public String toString() {
        return "StepUpProof[" + user + " at " + at + "]";
    }
}

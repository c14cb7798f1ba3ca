package dev.breakglass.port;

import java.time.Instant;
import java.util.Optional;

/**
 * Step-up failures and lockouts, per person, shared by every replica: the database holds them, so five wrong codes
 * spread over two replicas lock like five on one.
 */
public interface StepUpAttempts {

    /**
     * Records one failure of {@code user} at {@code at}.
     *
     * @return how many failures of {@code user} happened after {@code since} (this one included)
     */
    int failed(String user, Instant at, Instant since);

    /** Locks {@code user}'s step-up until {@code until}; their failures so far are forgotten. */
    void lock(String user, Instant until);

    /** The end of {@code user}'s latest lockout, if there ever was one (it may have passed). */
    Optional<Instant> lockedUntil(String user);

    /** Forgets {@code user}'s failures and lockout: after a success, or a reset by an admin. */
    void clear(String user);
}

package dev.breakglass.grant;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How the removal of a grant's access is going.
 *
 * @param revokedBy     who ended it early; empty when it ends by expiry (the end state is then EXPIRED, else REVOKED)
 * @param reason        why it was ended early, when given
 * @param attempts      revocation attempts started so far
 * @param lastError     the target's last error, kept after a later success for the record
 * @param leaseUntil    while an attempt runs: until when it belongs to the process that claimed it; a claim whose
 *                      lease has passed may be taken over (that process died)
 * @param nextAttemptAt after a failure: when to try again
 * @param endedAt       when access was confirmed removed
 */
public record Revocation(Optional<String> revokedBy, Optional<String> reason, int attempts, Optional<String> lastError,
                         Optional<Instant> leaseUntil, Optional<Instant> nextAttemptAt, Optional<Instant> endedAt) {

    /** Nothing has happened yet. */
    public static final Revocation NONE = new Revocation(Optional.empty(), Optional.empty(), 0, Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    public Revocation {
        Objects.requireNonNull(revokedBy, "revokedBy");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        Objects.requireNonNull(endedAt, "endedAt");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative: " + attempts);
        }
    }

    /** True while a live claim exists: some process is revoking right now. */
    public boolean claimedAt(Instant now) {
        return leaseUntil.isPresent() && leaseUntil.get().isAfter(now);
    }
}

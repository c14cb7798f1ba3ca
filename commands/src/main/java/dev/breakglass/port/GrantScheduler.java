package dev.breakglass.port;

import dev.breakglass.grant.GrantId;

import java.time.Instant;

/**
 * Durable timers for grants: each carries only the grant id and, when due, calls an idempotent use case
 * ({@code RequestService}, {@code AccessService}, {@code ExtensionService}, {@code ReviewService}). Survives
 * restarts; a timer that fires late or twice changes nothing the second time.
 */
public interface GrantScheduler {

    /** What is due. */
    enum Due {
        /** Provision an approved grant, as soon as possible. */
        PROVISION,
        /** Give up on a request nobody decided. */
        PENDING_TIMEOUT,
        /** Offer the requester the emergency "Break glass now". */
        EMERGENCY_OFFER,
        /** Warn the requester that the window ends soon. */
        WARN,
        /** End the access at the end of its window. */
        EXPIRE,
        /** Move the end of access at the target for an approved extension, then the bot's own timers. */
        EXTEND,
        /** Try a failed revocation again. */
        REVOKE_RETRY,
        /** Open the post-mortem once access is gone, then remind the requester until the review is written. */
        REVIEW
    }

    /** Runs {@code due} for {@code grant} at {@code when} (now or in the past: as soon as possible). */
    void schedule(GrantId grant, Due due, Instant when);
}

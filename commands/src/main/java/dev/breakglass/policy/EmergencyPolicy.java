package dev.breakglass.policy;

import java.time.Duration;

/**
 * Solo break glass: when no approver has decided a request within {@code after}, the requester may grant it
 * to themselves, for at most {@code maxDuration}. Such grants alert every notify channel and always need a
 * review.
 *
 * <p>Both values are required and longer than zero. How they relate to the rest of the policy is checked by
 * the owners: {@link TargetPolicy} (emergency max-duration within the target's min-duration..max-duration)
 * and {@link Policy} ({@code after} shorter than pending-timeout, or the request would time out first).
 *
 * @param after       how long a request waits for a decision before solo break glass is offered
 * @param maxDuration the longest solo grant
 */
public record EmergencyPolicy(Duration after, Duration maxDuration) {
    public EmergencyPolicy {
        after = Checks.positive(after, null, "after");
        maxDuration = Checks.positive(maxDuration, null, "max-duration");
    }
}

package dev.breakglass.policy;

import java.time.Duration;

/**
 * Post-mortem reminders: once access has been removed, the review thread is reminded every
 * {@code remindEvery} until the review is written; after {@code escalateAfter} reminders without a review,
 * the reminders also go to the notify channels.
 *
 * <p>Edge cases: {@code remindEvery} null means 24h and must be at least 1m (so reminders cannot flood a
 * channel); {@code escalateAfter} must be at least 1.
 *
 * @param remindEvery   time between reminders
 * @param escalateAfter reminders before escalation
 */
public record ReviewPolicy(Duration remindEvery, int escalateAfter) {
    // declared before DEFAULT: the constructor reads it while DEFAULT is built
    private static final Duration SHORTEST_REMINDER = Duration.ofMinutes(1);

    /** Remind every 24 hours. */
    public static final Duration DEFAULT_REMIND_EVERY = Duration.ofHours(24);
    /** Escalate after 3 reminders. */
    public static final int DEFAULT_ESCALATE_AFTER = 3;
    /** Every 24 hours, escalating after 3 reminders. */
    public static final ReviewPolicy DEFAULT = new ReviewPolicy(DEFAULT_REMIND_EVERY, DEFAULT_ESCALATE_AFTER);

    public ReviewPolicy {
        remindEvery = Checks.positive(remindEvery, DEFAULT_REMIND_EVERY, "remind-every");
        if (remindEvery.compareTo(SHORTEST_REMINDER) < 0) {
            throw InvalidPolicyException.at("remind-every", "remind-every (" + Checks.text(remindEvery)
                    + ") is shorter than 1m: reminders would flood the channel");
        }
        if (escalateAfter < 1) {
            throw InvalidPolicyException.at("escalate-after",
                    "escalate-after must be at least 1 reminder, not " + escalateAfter);
        }
    }
}

package dev.breakglass.policy;

import java.time.Duration;

/**
 * Post-mortems: once access has been removed, every grant gets a post-mortem thread; where the review is
 * required, the requester is reminded every {@code remindEvery} until it is written, and once more than
 * {@code escalateAfter} reminders went unanswered, each further reminder also goes to the notify channels.
 *
 * <p>Edge cases: {@code remindEvery} null means 24h and must be at least 1m (so reminders cannot flood a
 * channel); {@code escalateAfter} must be at least 1; {@code required} null means {@link Required#ALWAYS}.
 * Emergency grants always require the review, whatever {@code required} says.
 *
 * @param remindEvery   time between reminders
 * @param escalateAfter reminders before escalation
 * @param required      which grants must be reviewed
 */
public record ReviewPolicy(Duration remindEvery, int escalateAfter, Required required) {
    // declared before DEFAULT: the constructor reads it while DEFAULT is built
    private static final Duration SHORTEST_REMINDER = Duration.ofMinutes(1);

    /** Remind every 24 hours. */
    public static final Duration DEFAULT_REMIND_EVERY = Duration.ofHours(24);
    /** Escalate after 3 reminders. */
    public static final int DEFAULT_ESCALATE_AFTER = 3;
    /** Every 24 hours, escalating after 3 reminders. */
    public static final ReviewPolicy DEFAULT = new ReviewPolicy(DEFAULT_REMIND_EVERY, DEFAULT_ESCALATE_AFTER,
            Required.ALWAYS);

    /** Which grants must be reviewed (reminded until written, signed off to be REVIEWED). */
    public enum Required {
        /** Every grant whose access was provisioned. */
        ALWAYS,
        /** Emergency (solo break-glass) grants only; others get the thread and may be reviewed. */
        EMERGENCY;

        /** The name written in the policy file. */
        public String policyName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

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
        required = required == null ? Required.ALWAYS : required;
    }

    /** Whether {@code emergency} (a solo break-glass grant or not) must be reviewed under this policy. */
    public boolean requires(boolean emergency) {
        return emergency || required == Required.ALWAYS;
    }
}

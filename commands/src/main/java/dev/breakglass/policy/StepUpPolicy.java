package dev.breakglass.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The bot-wide {@code step-up:} section of the policy.
 *
 * <p>Edge cases: {@code admins} null is empty, and then nobody can reset someone else's second factor (a person
 * who lost their phone needs the policy's owners to add an admin first); no entry twice. {@code factor} null is
 * {@value #BUILT_IN_FACTOR}; another name is a plugin's factor, checked at start where plugins are known.
 * The lockout numbers are fixed, not policy: {@value #MAX_FAILURES} failures within {@link #FAILURE_WINDOW} lock a
 * person's step-up for {@link #LOCKOUT}.
 *
 * @param emergencyAlways {@code emergency: always}: solo break glass needs step-up whatever the target says
 * @param admins          who may run {@code /breakglass mfa reset <user>} (users, user groups)
 * @param factor          which second factor: {@value #BUILT_IN_FACTOR} (built in) or a plugin's type
 * @param settings        the plugin factor's settings (null is none), plain data like a target's settings
 */
public record StepUpPolicy(boolean emergencyAlways, List<Principal> admins, String factor,
                           Map<String, Object> settings) {
    // before DEFAULT: static fields initialise in order, and DEFAULT's constructor uses it
    private static final Pattern FACTOR = Pattern.compile("[a-z][a-z0-9._-]{0,62}");
    /** The built-in factor: time-based one-time codes (RFC 6238). */
    public static final String BUILT_IN_FACTOR = "totp";
    /** Failures that lock a person's step-up. */
    public static final int MAX_FAILURES = 5;
    /** The window in which {@link #MAX_FAILURES} failures lock. */
    public static final Duration FAILURE_WINDOW = Duration.ofMinutes(10);
    /** How long a lockout lasts. */
    public static final Duration LOCKOUT = Duration.ofMinutes(15);
    /** No step-up anywhere unless a target asks for it, nobody may reset, the built-in factor. */
    public static final StepUpPolicy DEFAULT = new StepUpPolicy(false, null, null, null);

    public StepUpPolicy {
        admins = Checks.distinct(admins, "admins");
        factor = factor == null ? BUILT_IN_FACTOR : factor;
        settings = Checks.settings(settings);
        if (!FACTOR.matcher(factor).matches()) {
            throw InvalidPolicyException.at("factor", "factor \"" + factor + "\" is not a factor name: lower-case "
                    + "letters, digits, '-', '_' or '.', starting with a letter (the built-in one is totp)");
        }
    }

    /** What a person does that step-up may guard ({@link Policy#stepUpRequired}). */
    public enum Action {
        /** Ask for access. */
        REQUEST,
        /** Approve a request. */
        APPROVE,
        /** Solo break glass. */
        BREAK_GLASS,
        /** Ask for more time. */
        EXTEND,
        /** Approve more time. */
        APPROVE_EXTENSION
    }
}

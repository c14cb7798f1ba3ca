package dev.breakglass.command;

/**
 * How long a justification may be, in characters (Unicode code points, after trimming surrounding space).
 * Longer text is refused, never truncated. The policy file may change both bounds.
 *
 * @param minLength at least 1
 * @param maxLength at least {@code minLength}
 */
public record JustificationRules(int minLength, int maxLength) {
    /** 10 to 3000 characters, as DESIGN.md promises. */
    public static final JustificationRules DEFAULT = new JustificationRules(10, 3000);

    public JustificationRules {
        if (minLength < 1) {
            throw new IllegalArgumentException("min-length must be at least 1, not " + minLength);
        }
        if (maxLength < minLength) {
            throw new IllegalArgumentException(
                    "max-length (" + maxLength + ") must be at least min-length (" + minLength + ")");
        }
    }
}

package dev.breakglass.command;

import dev.breakglass.grant.Reply;

import java.util.Optional;

/**
 * How long a justification may be, in characters (Unicode code points, after trimming surrounding white space).
 * Longer text is refused, never truncated. The policy file may change both bounds.
 *
 * <p>Besides its length, a justification follows the rules of every free-text field ({@link FreeText}): no
 * characters that hide or garble what approvers read. Everything else, newlines and emoji included, is kept.
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

    /**
     * The length these rules measure: code points of {@code justification} without surrounding white space (any
     * Unicode white space, non-breaking spaces included); 0 for null.
     */
    public int lengthOf(String justification) {
        return Text.length(Text.strip(justification));
    }

    /**
     * What is wrong with {@code justification}, a reply that gives the limit, the actual length and how to fix it
     * (see {@link FreeText#problem}); empty when it is acceptable. Null or blank text is "missing". Never throws.
     * Usable for the request form as well as the command, so both say the same thing.
     */
    public Optional<Reply> problem(String justification) {
        return new FreeText("justification", minLength, maxLength).problem(justification);
    }

    /** True when {@link #problem} finds nothing wrong. */
    public boolean allows(String justification) {
        return problem(justification).isEmpty();
    }
}

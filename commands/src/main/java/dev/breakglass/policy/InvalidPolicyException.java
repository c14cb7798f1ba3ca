package dev.breakglass.policy;

import java.util.List;
import java.util.Objects;

/**
 * A policy value that does not hold, said in policy-file words, together with the field it is about.
 *
 * <p>The field is a path relative to the object that threw it, in policy-file keys: {@code ["max-duration"]}
 * from a {@link TargetPolicy}, {@code ["targets", "orders-db", "emergency", "after"]} from a {@link Policy},
 * {@code ["notify", "[1]"]} for the second entry of a list. An empty path means the object as a whole. The file
 * reader uses it to point at the offending line; everyone else can treat this as a plain
 * {@link IllegalArgumentException}.
 */
public final class InvalidPolicyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final List<String> field;

    /**
     * @param field   keys (and {@code "[i]"} list positions) from the throwing object down to the bad value
     * @param message what is wrong and, where it helps, how to fix it
     */
    public InvalidPolicyException(List<String> field, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.field = List.copyOf(field);
    }

    /** The path of the offending value below the object that threw; empty for the object itself. */
    public List<String> field() {
        return field;
    }


    static InvalidPolicyException at(String field, String message) {
        return new InvalidPolicyException(List.of(field), message);
    }
}

package dev.breakglass.grant;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A grant's identity, shown to users as {@code BG-<n>}.
 *
 * <p>Edge cases: the number is positive; {@link #parse} accepts {@code BG-7} and {@code bg-7} (Slack users
 * type fast) but not {@code BG-07}, {@code BG7} or surrounding spaces, and never throws.
 */
public record GrantId(long value) {
    private static final Pattern FORM = Pattern.compile("(?i)BG-([1-9]\\d{0,17})");

    public GrantId {
        if (value <= 0) {
            throw new IllegalArgumentException("grant id must be positive: " + value);
        }
    }

    /** Reads {@code BG-<n>}; empty when {@code text} is anything else. */
    public static Optional<GrantId> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        var m = FORM.matcher(text);
        return m.matches() ? Optional.of(new GrantId(Long.parseLong(m.group(1)))) : Optional.empty();
    }

    @Override
    public String toString() {
        return "BG-" + value;
    }
}

package dev.breakglass.command;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration notation users type and read: {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 2h}, {@code 1h0m30s}.
 *
 * <p>Grammar: one to three parts {@code <digits><unit>}, units {@code h}, {@code m}, {@code s} in that order,
 * each at most once, lower case, no spaces. Edge cases: zero in total ({@code 0m}) is refused; each part has
 * at most 6 digits so nothing overflows; {@code 90m} is accepted as written (parts are not bounded by 60).
 */
public final class DurationText {
    /** How to write a duration, for error messages. */
    public static final String HINT = "a number followed by h, m or s, like 90s, 30m or 1h30m";

    private static final Pattern FORM = Pattern.compile("(?:(\\d{1,6})h)?(?:(\\d{1,6})m)?(?:(\\d{1,6})s)?");

    private DurationText() {
    }

    /**
     * Reads a duration; never throws.
     *
     * @param text what the user typed, may be null
     * @return the positive duration, or empty when {@code text} is not in the notation or is zero
     */
    public static Optional<Duration> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        Duration d = Duration.ofHours(part(m.group(1)))
                .plusMinutes(part(m.group(2)))
                .plusSeconds(part(m.group(3)));
        return d.isZero() ? Optional.empty() : Optional.of(d);
    }

    /**
     * Writes a duration in the same notation, largest units first, zero parts left out:
     * 5400 s is {@code 1h30m}; sub-second parts are dropped; zero or negative is {@code 0s}.
     */
    public static String format(Duration duration) {
        long total = Math.max(0, duration.getSeconds());
        if (total == 0) {
            return "0s";
        }
        long h = total / 3600;
        long m = (total % 3600) / 60;
        long s = total % 60;
        StringBuilder out = new StringBuilder();
        if (h > 0) {
            out.append(h).append('h');
        }
        if (m > 0) {
            out.append(m).append('m');
        }
        if (s > 0) {
            out.append(s).append('s');
        }
        return out.toString();
    }

    private static long part(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}

package dev.breakglass.command;

import dev.breakglass.grant.Reply;

import java.time.Duration;
import java.util.Locale;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration notation users type and read: {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 2h}, {@code 1h0m30s}.
 *
 * <p>Grammar: one to three parts {@code <digits><unit>}, units {@code h}, {@code m}, {@code s} in that order,
 * each at most once, lower case, ASCII digits, no spaces. Edge cases:
 * <ul>
 *   <li>zero in total ({@code 0m}, {@code 0h0s}) is refused: a grant needs time;</li>
 *   <li>each part has at most 6 digits, so nothing overflows; longer numbers are refused, not clamped;</li>
 *   <li>a total above {@link #MAX} ({@code 999999h59m59s}) is refused, so that everything {@link #parse} accepts,
 *       {@link #format} writes back as text {@code parse} accepts (no policy allows anything near it anyway);</li>
 *   <li>{@code 90m} is accepted as written (parts are not bounded by 60) and {@link #format}s as {@code 1h30m};</li>
 *   <li>upper case ({@code 30M}), other orders ({@code 1m1h}), repeats ({@code 1h1h}), words ({@code 30min}),
 *       fractions ({@code 1.5h}), signs and bare numbers ({@code 30}) are refused; {@link #problem} says why.</li>
 * </ul>
 * Nothing here throws on any input.
 */
public final class DurationText {
    /** How to write a duration, for error messages. */
    /** {@link #hint()} in English, for operators (policy and settings errors, which are not templated). */
    public static final String HINT = "a number followed by h, m or s, like 90s, 30m or 1h30m";

    /** The longest duration the notation reads: 999999h59m59s. */
    public static final Duration MAX = Duration.ofHours(999_999).plusMinutes(59).plusSeconds(59);

    private static final Pattern FORM = Pattern.compile("(?:(\\d{1,6})h)?(?:(\\d{1,6})m)?(?:(\\d{1,6})s)?");
    /** Parts in any order, any number of digits, any case: to tell "almost" from "nothing like it". */
    private static final Pattern PARTS = Pattern.compile("(?:[0-9]+[hmsHMS])+");
    private static final Pattern BIG_NUMBER = Pattern.compile(".*[0-9]{7,}.*");
    private static final Pattern BARE_NUMBER = Pattern.compile("[0-9]{1,6}");
    private static final Pattern WORD_UNIT = Pattern.compile(
            "([0-9]{1,6})(sec|secs|second|seconds|min|mins|minute|minutes|hr|hrs|hour|hours)",
            Pattern.CASE_INSENSITIVE);

    private DurationText() {
    }

    /**
     * Reads a duration; never throws.
     *
     * @param text what the user typed, may be null
     * @return the positive duration, at most {@link #MAX}, or empty when {@code text} is not in the notation, is
     *         zero or is too long
     */
    public static Optional<Duration> parse(String text) {
        return Optional.ofNullable(exact(text));
    }

    /**
     * Why {@link #parse} refuses {@code text}, a reply that says how to write it instead (the text is quoted and cut
     * to 40 characters; words in {@code templates/reply-duration.mustache}); empty when {@code parse} accepts it.
     * Never throws.
     */
    public static Optional<Reply> problem(String text) {
        if (exact(text) != null) {
            return Optional.empty();
        }
        Reply hint = hint();
        if (text == null || text.isEmpty()) {
            return Optional.of(Reply.named("duration.missing", "hint", hint));
        }
        String shown = Text.quote(text);
        Matcher m = FORM.matcher(text);
        if (m.matches()) {
            if (total(m).isZero()) {
                return Optional.of(Reply.named("duration.zero", "shown", shown, "hint", hint));
            }
            return Optional.of(Reply.named("duration.overMax", "shown", shown, "max", format(MAX)));
        }
        if (BARE_NUMBER.matcher(text).matches()) {
            if (Long.parseLong(text) == 0) {
                return Optional.of(Reply.named("duration.zero", "shown", shown, "hint", hint));
            }
            return Optional.of(Reply.named("duration.noUnit", "shown", shown, "number", text));
        }
        Matcher word = WORD_UNIT.matcher(text);
        if (word.matches()) {
            String unit = word.group(2).substring(0, 1).toLowerCase(Locale.ROOT);
            return Optional.of(Reply.named("duration.wordUnit", "shown", shown, "fix", word.group(1) + unit));
        }
        if (PARTS.matcher(text).matches()) {
            if (BIG_NUMBER.matcher(text).matches()) {
                return Optional.of(Reply.named("duration.manyDigits", "shown", shown, "hint", hint));
            }
            String lower = text.toLowerCase(Locale.ROOT);
            if (!lower.equals(text) && exact(lower) != null) {
                return Optional.of(Reply.named("duration.capitals", "shown", shown, "fix", lower));
            }
            return Optional.of(Reply.named("duration.order", "shown", shown));
        }
        return Optional.of(Reply.named("duration.notDuration", "shown", shown, "hint", hint));
    }

    /** How a duration is written, for people: "a number followed by h, m or s, like …" (see {@link #HINT}). */
    public static Reply hint() {
        return Reply.named("duration.howTo");
    }

    /**
     * Writes a duration in the same notation, largest units first, zero parts left out: 5400 s is {@code 1h30m}.
     * Sub-second parts are dropped; zero or negative is {@code 0s} (which {@link #parse} refuses). For every
     * duration {@code parse} returns, {@code parse(format(d))} returns {@code d} again.
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

    /** The duration, or null when parse refuses the text. */
    private static Duration exact(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return null;
        }
        Duration d = total(m);
        return d.isZero() || d.compareTo(MAX) > 0 ? null : d;
    }

    private static Duration total(Matcher m) {
        return Duration.ofHours(part(m.group(1)))
                .plusMinutes(part(m.group(2)))
                .plusSeconds(part(m.group(3)));
    }

    private static long part(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}

package dev.breakglass.command;

import dev.breakglass.grant.Reply;

import java.util.Optional;

/**
 * Character rules shared by the grammar: what separates tokens, how user text is echoed in messages, and which
 * characters free text (justifications, reasons) may not contain.
 */
public final class Text {
    /** Echoed user text is cut to this many characters, the ellipsis included. */
    static final int ECHO_LIMIT = 40;

    private static final int REPLACEMENT = 0xFFFD;

    private Text() {
    }

    /**
     * Unicode's {@code White_Space} property: tab, line feed, vertical tab, form feed, carriage return, next line
     * (U+0085) and the space, line and paragraph separators (U+0020, U+00A0, U+1680, U+2000 to U+200A, U+2028,
     * U+2029, U+202F, U+205F, U+3000). Zero-width characters such as U+200B are not white space.
     */
    static boolean isWhitespace(int codePoint) {
        return (codePoint >= 0x09 && codePoint <= 0x0D) || codePoint == 0x85 || Character.isSpaceChar(codePoint);
    }

    /** {@code text} without leading and trailing {@linkplain #isWhitespace white space}; never null. */
    static String strip(String text) {
        if (text == null) {
            return "";
        }
        int start = 0;
        int end = text.length();
        while (start < end) {
            int cp = text.codePointAt(start);
            if (!isWhitespace(cp)) {
                break;
            }
            start += Character.charCount(cp);
        }
        while (end > start) {
            int cp = text.codePointBefore(end);
            if (!isWhitespace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return text.substring(start, end);
    }

    /** Number of Unicode code points; an unpaired surrogate counts as one. */
    static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    /**
     * User text made safe to show inside a message, in double quotes: runs of white space become one space,
     * invisible or broken characters (controls, bidirectional overrides, unpaired surrogates) become U+FFFD, and
     * anything longer than {@value #ECHO_LIMIT} characters is cut to 39 and ends with "…". Not escaped for Slack.
     */
    public static String quote(String text) {
        String s = strip(text);
        StringBuilder shown = new StringBuilder();
        int count = 0;
        boolean space = false;
        for (int i = 0; i < s.length() && count <= ECHO_LIMIT; ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isWhitespace(cp)) {
                space = true;
                continue;
            }
            if (space) {
                shown.append(' ');
                count++;
                space = false;
            }
            shown.appendCodePoint(isUnsafe(cp) ? REPLACEMENT : cp);
            count++;
        }
        if (count > ECHO_LIMIT) {
            shown.setLength(shown.offsetByCodePoints(0, ECHO_LIMIT - 1));
            shown.append('…');
        }
        return "\"" + shown + "\"";
    }

    /**
     * One character named for a message: itself in double quotes when it is visible, else its code point
     * ({@code U+202E}).
     */
    static String describe(int codePoint) {
        int type = Character.getType(codePoint);
        boolean invisible = isUnsafe(codePoint) || isWhitespace(codePoint)
                || type == Character.FORMAT || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
                || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK;
        return invisible ? codePointName(codePoint) : "\"" + new String(Character.toChars(codePoint)) + "\"";
    }

    /** {@code U+00A0}: at least four hex digits, upper case. */
    static String codePointName(int codePoint) {
        return String.format("U+%04X", codePoint);
    }

    /**
     * Characters free text may not contain, because they hide or garble what approvers read or cannot be stored:
     * control characters other than white space (NUL, ESC, …), unpaired surrogates, and the bidirectional
     * embedding, override and isolate controls (U+202A to U+202E, U+2066 to U+2069).
     */
    static boolean isUnsafe(int codePoint) {
        if (isWhitespace(codePoint)) {
            return false;
        }
        int type = Character.getType(codePoint);
        return type == Character.CONTROL
                || type == Character.SURROGATE
                || (codePoint >= 0x202A && codePoint <= 0x202E)
                || (codePoint >= 0x2066 && codePoint <= 0x2069);
    }

    /**
     * What is wrong with a piece of free text, or empty when it is fine. The text is stripped first; length is in
     * code points; longer text is refused, never truncated. The reply is named {@code text.missing},
     * {@code text.tooShort}, {@code text.tooLong} or {@code text.hidden}, with the field's {@code label} and
     * {@code hint} said inside it.
     */
    static Optional<Reply> freeTextProblem(FreeText field, String text) {
        String s = strip(text);
        int length = length(s);
        Reply label = field.label();
        if (length == 0) {
            return Optional.of(Reply.named("text.missing", "label", label, "hint", field.hint()));
        }
        if (length < field.minLength()) {
            return Optional.of(Reply.named("text.tooShort", "label", label, "length", length,
                    "oneCharacter", length == 1, "min", field.minLength(), "hint", field.hint()));
        }
        if (length > field.maxLength()) {
            return Optional.of(Reply.named("text.tooLong", "label", label, "length", length,
                    "oneCharacter", length == 1, "max", field.maxLength()));
        }
        int position = 1;
        for (int i = 0; i < s.length(); position++) {
            int cp = s.codePointAt(i);
            if (isUnsafe(cp)) {
                return Optional.of(Reply.named("text.hidden", "label", label, "character", codePointName(cp),
                        "position", position));
            }
            i += Character.charCount(cp);
        }
        return Optional.empty();
    }
}

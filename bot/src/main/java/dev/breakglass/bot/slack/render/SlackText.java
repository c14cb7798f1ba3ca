package dev.breakglass.bot.slack.render;

/**
 * Making user text safe to show in Slack mrkdwn.
 *
 * <p>Slack reads {@code <…>} as pings, channel mentions and links, and {@code &} starts an entity; escaping
 * exactly {@code &}, {@code <} and {@code >} (Slack's documented set) turns {@code <!channel>}, {@code <@U123>}
 * and {@code <https://evil|click>} into plain text. Emphasis characters ({@code *_~`}) are left alone:
 * they cannot ping or link.
 */
public final class SlackText {
    /** Slack's limit for the text of one section block. */
    public static final int SECTION_LIMIT = 3000;
    /** What marks text that was cut to fit. */
    public static final String CUT_MARKER = "… (truncated)";

    private SlackText() {
    }

    /** {@code text} with {@code & < >} escaped; null is the empty string. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Undoes Slack's own escaping of user input: Slack delivers {@code &}, {@code <} and {@code >} typed in a
     * slash command as {@code &amp;}, {@code &lt;} and {@code &gt;}. Decoded once, so text the user typed as
     * {@code &amp;lt;} stays {@code &lt;}; null is the empty string.
     */
    public static String unescape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (text.startsWith("&amp;", i)) {
                out.append('&');
                i += 4;
            } else if (text.startsWith("&lt;", i)) {
                out.append('<');
                i += 3;
            } else if (text.startsWith("&gt;", i)) {
                out.append('>');
                i += 3;
            } else {
                out.append(text.charAt(i));
            }
        }
        return out.toString();
    }

    /**
     * Cuts already-escaped mrkdwn to at most {@code limit} characters, ending with {@link #CUT_MARKER} when cut.
     * Never splits an escape entity ({@code &amp;}) or a surrogate pair.
     */
    public static String fit(String mrkdwn, int limit) {
        if (mrkdwn.length() <= limit) {
            return mrkdwn;
        }
        int end = Math.max(0, limit - CUT_MARKER.length());
        int amp = mrkdwn.lastIndexOf('&', end);
        if (amp >= 0 && amp > end - 5 && mrkdwn.indexOf(';', amp) >= end) {
            end = amp;
        }
        if (end > 0 && Character.isHighSurrogate(mrkdwn.charAt(end - 1))) {
            end--;
        }
        return mrkdwn.substring(0, end) + CUT_MARKER;
    }

    /**
     * Splits already-escaped mrkdwn into pieces of at most {@code limit} characters at line ends, for a text
     * longer than one section may hold. A single line longer than {@code limit} is cut with {@link #fit}; an
     * empty text gives no pieces.
     */
    public static java.util.List<String> pieces(String mrkdwn, int limit) {
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder piece = new StringBuilder();
        for (String line : mrkdwn.split("\n", -1)) {
            String l = fit(line, limit);
            if (piece.length() > 0 && piece.length() + 1 + l.length() > limit) {
                out.add(piece.toString().stripTrailing());
                piece.setLength(0);
            }
            if (piece.length() > 0) {
                piece.append('\n').append(l);
            } else if (!l.isBlank()) {
                piece.append(l); // a piece never starts with a blank line
            }
        }
        if (!piece.toString().isBlank()) {
            out.add(piece.toString().stripTrailing());
        }
        return out;
    }

    /**
     * Splits raw text (not yet escaped) into pieces that join back to exactly {@code text} and each stay within
     * {@code limit} characters once {@link #escape escaped}: a piece ends after a line break where one falls in its
     * second half, else where the limit is reached. Never splits a surrogate pair or an escape entity (it splits
     * before escaping). Lengths are UTF-16 units, which is never fewer than Slack's count of characters. An empty
     * text gives one empty piece.
     *
     * @param limit at least 5, the longest escape ({@code &amp;}) plus a surrogate pair's room
     */
    public static java.util.List<String> exactPieces(String text, int limit) {
        if (limit < 5) {
            throw new IllegalArgumentException("limit must be at least 5, not " + limit);
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        int start = 0;
        while (start < text.length() || out.isEmpty()) {
            int end = start;
            int escaped = 0;
            int lineEnd = -1;
            while (end < text.length()) {
                int cp = text.codePointAt(end);
                int width = cp == '&' ? 5 : cp == '<' || cp == '>' ? 4 : Character.charCount(cp);
                if (escaped + width > limit) {
                    break;
                }
                escaped += width;
                end += Character.charCount(cp);
                if (cp == '\n' && escaped >= limit / 2) {
                    lineEnd = end;
                }
            }
            if (end < text.length() && lineEnd > start) {
                end = lineEnd;
            }
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }

    /**
     * User text (not yet escaped) on one line: white space runs become one space, and text longer than
     * {@code limit} code points is cut there with "…". Null is empty.
     */
    public static String oneLine(String text, int limit) {
        String s = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        return s.codePointCount(0, s.length()) <= limit ? s : s.substring(0, s.offsetByCodePoints(0, limit)) + "…";
    }

    /** User text escaped and quoted line by line ({@code > }), for a block quote in mrkdwn. */
    public static String quote(String text) {
        return escape(text).lines().map(l -> "> " + l).collect(java.util.stream.Collectors.joining("\n"));
    }
}

package dev.breakglass.activity;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in statement and command text before anyone stores or shows it.
 *
 * <p>What is masked, each replaced by {@value #MASK} (quotes around a literal become {@code '***'}):
 * <ul>
 *   <li>the literal after {@code PASSWORD} (with or without {@code =} or {@code (}, as in PostgreSQL's
 *       {@code ALTER ROLE … PASSWORD '…'} and MySQL's {@code PASSWORD('…')}), also as the first argument of a
 *       function call there ({@code password = crypt('…', gen_salt('bf'))}, {@code encode(digest('…', …), …)}:
 *       the first literal only; later arguments such as a salt stay), and after {@code IDENTIFIED BY},
 *       {@code IDENTIFIED WITH <plugin> BY|AS} (MySQL/MariaDB), keywords in any case;</li>
 *   <li>literals of every SQL form: {@code '…'} with {@code ''} or {@code \'} inside, {@code E'…'} with backslash
 *       escapes, {@code "…"}, and dollar quoting {@code $$…$$} / {@code $tag$…$tag$}. A literal that never ends
 *       masks the rest of the text: over-masking is safe, a half-masked password is not;</li>
 *   <li>{@code key=value} and {@code key: value} where the key names a secret (password, passwd, pwd, secret,
 *       token, api-key, access-key, PGPASSWORD, MYSQL_PWD, …), quoted or not; an unquoted value that is a function
 *       call ({@code password = crypt(…)}) is left to the rule above;</li>
 *   <li>the password in a URL's user info ({@code postgres://user:…@host});</li>
 *   <li>bearer tokens, Slack tokens ({@code xox?-…}), GitHub tokens, AWS access key ids and {@code sk-…} keys.</li>
 * </ul>
 *
 * <p>Masking is idempotent: masked text masks to itself. It cannot know every secret (a password typed as a bare
 * argument of some tool looks like any word), which is why docs/security.md tells operators to treat activity as
 * sensitive even so.
 */
public final class SecretMask {
    /** What a secret is replaced with. */
    public static final String MASK = "***";

    /** Keywords after which a SQL literal is a password; the literal starts where the match ends. */
    private static final Pattern SQL_KEYWORD = Pattern.compile(
            "(?i)\\b(?:PASSWORD\\s*(?:=\\s*)?(?:(?:[A-Za-z_][\\w.]*\\s*)?\\(\\s*)*"
                    + "|IDENTIFIED\\s+(?:WITH\\s+[\\w$'\"`.]+\\s+)?(?:BY|AS)\\s+(?:PASSWORD\\s*(?:\\(\\s*)?)?)");

    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)\\b([A-Z0-9_]*?(?:password|passwd|pwd|secret|client[_-]?secret|token|access[_-]?token"
                    + "|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key)\\b\"?\\s*[=:]\\s*)"
                    + "(\"(?:[^\"\\\\]|\\\\.)*\"?|'(?:[^'\\\\]|\\\\.|'')*'?|(?>[^\\s&;,'\"(]+)(?!\\s*\\())");

    private static final Pattern URL_PASSWORD = Pattern.compile(
            "(?i)(\\b[a-z][a-z0-9+.-]*://[^\\s:/@]+:)([^\\s@/]+)(@)");

    private static final Pattern TOKENS = Pattern.compile(
            "(?i)(\\bbearer\\s+)[A-Za-z0-9._~+/=-]{8,}"
                    + "|(?-i:\\b(xox[a-z])-[A-Za-z0-9-]+)"
                    + "|(?-i:\\b(ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{10,})"
                    + "|(?-i:\\bAKIA[0-9A-Z]{16}\\b)"
                    + "|(?-i:\\bsk-[A-Za-z0-9_-]{16,})");

    private SecretMask() {
    }

    /** {@code text} with every secret this class knows masked; null is empty. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String out = maskSqlLiterals(text);
        out = replace(KEY_VALUE, out, m -> m.group(1) + quoted(m.group(2)));
        out = replace(URL_PASSWORD, out, m -> m.group(1) + MASK + m.group(3));
        out = replace(TOKENS, out, m -> {
            if (m.group(1) != null) {
                return m.group(1) + MASK;
            }
            if (m.group(2) != null) {
                return m.group(2) + "-" + MASK;
            }
            if (m.group(3) != null) {
                return m.group(3) + "_" + MASK;
            }
            return MASK;
        });
        return out;
    }

    /**
     * {@code text} masked, then cut to at most {@code max} characters with a note of its full length when longer:
     * for captures whose records may exceed {@link Activity#MAX_DETAIL}. Masking comes first, so a cut can never
     * leave half a secret.
     *
     * @param max at least 100
     */
    public static String maskAndFit(String text, int max) {
        if (max < 100) {
            throw new IllegalArgumentException("max must be at least 100");
        }
        String masked = mask(text);
        if (masked.length() <= max) {
            return masked;
        }
        String note = " … (cut: " + masked.length() + " characters in all)";
        // Room for what masking the cut text again may add (an open literal closed as '***').
        return masked.substring(0, max - note.length() - 8) + note;
    }

    /** Whether masking changed anything: the text held a secret. */
    public static boolean hasSecret(String text) {
        return text != null && !mask(text).equals(text);
    }

    private static String quoted(String value) {
        if (value.startsWith("'")) {
            return "'" + MASK + "'";
        }
        if (value.startsWith("\"")) {
            return "\"" + MASK + "\"";
        }
        return MASK;
    }

    private static String maskSqlLiterals(String text) {
        StringBuilder out = new StringBuilder(text.length());
        Matcher m = SQL_KEYWORD.matcher(text);
        int copied = 0;
        int from = 0;
        while (from < text.length() && m.find(from)) {
            int start = m.end();
            int end = literalEnd(text, start);
            if (end < 0) {
                from = m.end() == m.start() ? m.end() + 1 : m.end();
                continue;
            }
            out.append(text, copied, start).append('\'').append(MASK).append('\'');
            copied = end;
            from = end;
        }
        return out.append(text, copied, text.length()).toString();
    }

    /**
     * Where the SQL literal starting at {@code i} ends (exclusive); the text's length when it never ends;
     * -1 when no literal starts there (e.g. {@code PASSWORD NULL}).
     */
    private static int literalEnd(String s, int i) {
        if (i >= s.length()) {
            return -1;
        }
        char c = s.charAt(i);
        if ((c == 'E' || c == 'e') && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
            return quotedEnd(s, i + 1, '\'', true);
        }
        if (c == '\'' || c == '"') {
            return quotedEnd(s, i, c, true);
        }
        if (c == '$') {
            int close = s.indexOf('$', i + 1);
            if (close < 0) {
                return -1;
            }
            String tag = s.substring(i, close + 1);
            if (!tag.matches("\\$(?:[A-Za-z_][A-Za-z0-9_]*)?\\$")) {
                return -1;
            }
            int end = s.indexOf(tag, close + 1);
            return end < 0 ? s.length() : end + tag.length();
        }
        return -1;
    }

    /**
     * End of a quoted literal opened at {@code open}: a doubled quote stays inside, and so does a quote after a
     * backslash (MySQL's default, PostgreSQL's {@code E''}); treating a backslash as an escape in a standard
     * PostgreSQL literal can only make the masked span longer, never shorter.
     */
    private static int quotedEnd(String s, int open, char quote, boolean backslash) {
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslash && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static String replace(Pattern pattern, String text, java.util.function.Function<Matcher, String> with) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(with.apply(m)));
        }
        m.appendTail(out);
        return out.toString();
    }
}

package dev.breakglass.bot.adapter.mysql;

import java.util.regex.Pattern;

/**
 * Quoting for the few names and literals the adapter writes into SQL. Everything passed here was whitelisted
 * already; these checks are the last line, so a bug elsewhere fails loudly instead of reaching the server.
 */
final class MysqlSql {
    /** Backtick-quoted identifiers: no backtick, no control characters, no dot. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_$\\\\-]{1,80}");
    /** Single-quoted literals: no quote, no backslash (its meaning depends on sql_mode), nothing unprintable. */
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9_%.:/\\-+~=]{1,255}");

    private MysqlSql() {
    }

    /** {@code `name`}. */
    static String identifier(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalStateException("refusing to quote an identifier outside the whitelist");
        }
        return '`' + name + '`';
    }

    /**
     * {@code `name`} for a name someone else chose (a user's view or routine): any text without NUL or control
     * characters, backticks doubled.
     */
    static String anyIdentifier(String name) {
        if (name.isEmpty() || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalStateException("refusing to quote an empty identifier or one with control characters");
        }
        return '`' + name.replace("`", "``") + '`';
    }

    /** {@code 'text'}; the message never repeats the text, which may be a password. */
    static String literal(String text) {
        if (!LITERAL.matcher(text).matches()) {
            throw new IllegalStateException("refusing to quote a literal outside the whitelist");
        }
        return '\'' + text + '\'';
    }
}

package dev.breakglass.bot.adapter.postgres;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Quoting for the utility statements ({@code CREATE ROLE}, {@code GRANT}, {@code COMMENT}) that take no bind
 * parameters. Every role name goes through {@link #identifier}, so names keep their case and cannot break out of
 * the statement whatever they contain.
 */
final class Sql {
    private Sql() {
    }

    /** {@code "name"}, inner double quotes doubled: an identifier taken exactly as written. */
    static String identifier(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a PostgreSQL name cannot contain NUL");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * {@code E'text'} with backslashes and single quotes escaped: the same string whether or not the server has
     * {@code standard_conforming_strings} on.
     */
    static String literal(String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a PostgreSQL string cannot contain NUL");
        }
        return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** A {@code timestamptz} literal in UTC, to the microsecond (PostgreSQL's precision; cut down, never up). */
    static String timestamp(Instant instant) {
        return "'" + DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MICROS)) + "'";
    }
}

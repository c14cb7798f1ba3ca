package dev.breakglass.bot.adapter.postgres;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.breakglass.bot.json.JsonMappers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One entry of PostgreSQL's structured server log (jsonlog or csvlog, PostgreSQL 15+), with the fields activity
 * capture reads.
 *
 * @param at           when it was logged; empty when the server's time text could not be read
 * @param user         the session's role; null for entries of no session (the postmaster, checkpoints)
 * @param sessionStart when the session started, to the second; empty when unknown
 * @param severity     {@code LOG}, {@code ERROR}, {@code FATAL}, …
 * @param message      the message, e.g. {@code statement: SELECT 1}
 * @param statement    the statement an error was about, when the server logged one
 */
record LogRecord(Optional<Instant> at, String user, Optional<Instant> sessionStart, String severity, String message,
                 String statement) {
    private static final JsonMapper MAPPER = JsonMappers.standard();
    /** {@code 2026-12-03 07:55:47.041 UTC}; the session start has no fraction. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS] z",
            Locale.ROOT);
    // csvlog columns (PostgreSQL 13+): the ones read here.
    private static final int CSV_TIME = 0;
    private static final int CSV_USER = 1;
    private static final int CSV_SESSION_START = 8;
    private static final int CSV_SEVERITY = 11;
    private static final int CSV_MESSAGE = 13;
    private static final int CSV_QUERY = 19;

    /** The log formats PostgreSQL writes that can be read reliably. */
    enum Format {
        /** {@code log_destination = jsonlog}: one JSON object per line, files ending {@code .json}. */
        JSON(".json", "jsonlog"),
        /** {@code log_destination = csvlog}: CSV records (a field may span lines), files ending {@code .csv}. */
        CSV(".csv", "csvlog");

        final String suffix;
        final String destination;

        Format(String suffix, String destination) {
            this.suffix = suffix;
            this.destination = destination;
        }

        /**
         * The complete records at the start of {@code chunk} (bytes of a log file from a record's start) and how
         * many bytes they take. A record cut at the chunk's end is left for the next read; an entry that cannot be
         * parsed (a torn line after a crash) is skipped, since the log can be trusted only line by line.
         */
        Parsed parse(byte[] chunk) {
            int lastNewline = -1;
            for (int i = chunk.length - 1; i >= 0; i--) {
                if (chunk[i] == '\n') {
                    lastNewline = i;
                    break;
                }
            }
            if (lastNewline < 0) {
                return new Parsed(List.of(), 0);
            }
            // A newline byte is never inside a UTF-8 sequence: decoding up to it splits no character.
            String text = new String(chunk, 0, lastNewline + 1, StandardCharsets.UTF_8);
            return this == JSON ? json(text) : csv(text);
        }
    }

    /** What {@link Format#parse} found: the records, and the bytes consumed (ending after a record's newline). */
    record Parsed(List<LogRecord> records, int consumed) {
    }

    private static Parsed json(String text) {
        List<LogRecord> records = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = MAPPER.readTree(line);
            } catch (JacksonException e) {
                continue;
            }
            if (node == null || !node.isObject()) {
                continue;
            }
            records.add(new LogRecord(time(field(node, "timestamp")), field(node, "user"),
                    time(field(node, "session_start")), field(node, "error_severity"), field(node, "message"),
                    field(node, "statement")));
        }
        return new Parsed(records, text.getBytes(StandardCharsets.UTF_8).length);
    }

    private static String field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** CSV as PostgreSQL writes it: fields quoted with {@code "} when needed, {@code ""} inside, newlines allowed. */
    private static Parsed csv(String text) {
        List<LogRecord> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int recordEnd = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                fields.add(wasQuoted || !field.isEmpty() ? field.toString() : null);
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\n') {
                fields.add(wasQuoted || !field.isEmpty() ? field.toString() : null);
                field.setLength(0);
                wasQuoted = false;
                recordEnd = i + 1;
                if (fields.size() > CSV_QUERY) {
                    records.add(new LogRecord(time(fields.get(CSV_TIME)), fields.get(CSV_USER),
                            time(fields.get(CSV_SESSION_START)), fields.get(CSV_SEVERITY), fields.get(CSV_MESSAGE),
                            fields.get(CSV_QUERY)));
                }
                fields.clear();
            } else if (c != '\r') {
                field.append(c);
            }
        }
        return new Parsed(records, text.substring(0, recordEnd).getBytes(StandardCharsets.UTF_8).length);
    }

    /** The server's time text as an instant; empty when it names a zone Java does not know. */
    static Optional<Instant> time(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZonedDateTime.parse(text, TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}

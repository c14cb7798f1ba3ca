package dev.breakglass.command;

import java.util.Objects;

/**
 * Text that is not a valid command, explained for the person who typed it (shown to them alone).
 *
 * <p>The message says what was wrong and how to fix it, in one or two plain sentences; any user text it repeats
 * is in double quotes and cut to 40 characters ("…"). Nothing is escaped for Slack: the caller does that.
 *
 * @param message what was wrong and how to fix it; not blank
 * @param usage   the correct form of the subcommand concerned, like
 *                {@code /breakglass status <id>}, or {@code /breakglass help} when there is none; not blank
 */
public record ParseError(String message, String usage) implements ParseResult {
    public ParseError {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(usage, "usage");
        if (message.isBlank() || usage.isBlank()) {
            throw new IllegalArgumentException("a parse error needs a message and a usage");
        }
    }
}

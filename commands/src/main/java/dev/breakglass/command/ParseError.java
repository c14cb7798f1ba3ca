package dev.breakglass.command;

import dev.breakglass.grant.Reply;

import java.util.Objects;

/**
 * Text that is not a valid command, explained for the person who typed it (shown to them alone).
 *
 * <p>The message says what was wrong and how to fix it, in one or two plain sentences worded by the templates
 * ({@code reply-parse}, and {@code reply-duration}, {@code reply-target} and {@code reply-text} for the problems of
 * one word or of the free text); any user text it repeats is in double quotes and cut to 40 characters ("…").
 *
 * @param message what was wrong and how to fix it: a named reply
 * @param usage   the correct form of the subcommand concerned, like
 *                {@code /breakglass status <id>}, or {@code /breakglass help} when there is none; not blank
 */
public record ParseError(Reply message, String usage) implements ParseResult {
    public ParseError {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(usage, "usage");
        if (!message.isNamed() || usage.isBlank()) {
            throw new IllegalArgumentException("a parse error needs a named message and a usage");
        }
    }
}

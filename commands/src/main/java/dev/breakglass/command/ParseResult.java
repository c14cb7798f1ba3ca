package dev.breakglass.command;

/**
 * What {@link CommandParser#parse} makes of the text after {@code /breakglass}: a {@link BreakglassCommand} to
 * run, or a {@link ParseError} to show the user. Switch over it exhaustively; there is nothing else.
 */
public sealed interface ParseResult permits BreakglassCommand, ParseError {
}

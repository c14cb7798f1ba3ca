/**
 * The {@code /breakglass} grammar: the slash command's text in, a sealed
 * {@link dev.breakglass.command.BreakglassCommand} or a {@link dev.breakglass.command.ParseError} out, through
 * {@link dev.breakglass.command.CommandParser}. Handlers never look at the raw text again.
 *
 * <p>Also the value types the grammar is made of, usable on their own (the request form validates with the same
 * rules and says the same things): {@link dev.breakglass.command.TargetRef},
 * {@link dev.breakglass.command.DurationText} and {@link dev.breakglass.command.JustificationRules}. Everything
 * here is plain Java: no I/O, no clock, nothing thrown for bad user input.
 */
package dev.breakglass.command;

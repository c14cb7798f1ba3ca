/**
 * The {@code /breakglass} grammar: text in, a sealed {@link dev.breakglass.command.BreakglassCommand} or a
 * {@link dev.breakglass.command.ParseError} out. Handlers never look at the raw text again.
 */
package dev.breakglass.command;

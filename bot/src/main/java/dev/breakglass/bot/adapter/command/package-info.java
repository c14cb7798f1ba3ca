/**
 * The {@code command} target adapter: grant, revoke and verify run an executable the operator configured, with the
 * action as its last argument and the webhook's JSON on stdin ({@code docs/adapters-command.md}).
 *
 * <p>{@link dev.breakglass.bot.adapter.command.CommandAdapterFactory} reads the settings
 * ({@link dev.breakglass.bot.adapter.command.CommandSettings}); {@link dev.breakglass.bot.adapter.command.CommandAdapter}
 * turns exits and output into results; {@link dev.breakglass.bot.adapter.ChildProcess} runs one process with
 * no shell, a minimal environment (never the bot's own, which holds its secrets), a time limit that kills the
 * process tree, and bounded output. Standard output is never logged or put in a message: a grant's carries
 * credentials.
 */
package dev.breakglass.bot.adapter.command;

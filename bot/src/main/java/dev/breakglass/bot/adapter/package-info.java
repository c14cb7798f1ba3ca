/**
 * Built-in {@link dev.breakglass.port.TargetAdapter} implementations, one package per system ({@code webhook}, …).
 *
 * <p>Each system has a {@link dev.breakglass.port.TargetAdapterFactory} bean named by its policy type; the bot
 * calls it once per target at start, so unusable settings stop the bot with a message naming the setting. What
 * the adapters share lives here: {@link dev.breakglass.bot.adapter.AdapterFactory}, the shape of every built-in
 * factory; {@link dev.breakglass.bot.adapter.AdapterSettings}, the one reader of a target's {@code settings};
 * {@link dev.breakglass.bot.adapter.EnvironmentVariables}, which resolves the {@code ${NAME}} references that keep
 * secrets out of the policy file; {@link dev.breakglass.bot.adapter.ChildProcess}, the one way an adapter runs a
 * program; and {@link dev.breakglass.bot.adapter.LogTail}, which reads a target's log file for activity capture from
 * a position that survives restarts and rotation.
 */
package dev.breakglass.bot.adapter;

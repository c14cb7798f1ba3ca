/**
 * Built-in {@link dev.breakglass.port.TargetAdapter} implementations, one package per system ({@code webhook}, …).
 *
 * <p>Each system has a {@link dev.breakglass.port.TargetAdapterFactory} bean named by its policy type; the bot
 * calls it once per target at start, so unusable settings stop the bot with a message naming the setting. What
 * the adapters share lives here: {@link dev.breakglass.bot.target.EnvironmentVariables} resolves the
 * {@code ${NAME}} references that keep secrets out of the policy file.
 */
package dev.breakglass.bot.target;

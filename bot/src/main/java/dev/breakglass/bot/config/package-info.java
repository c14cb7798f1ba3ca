/**
 * Configuration: reading and validating the policy file ({@link dev.breakglass.bot.config.PolicyLoader}),
 * choosing which file to read ({@link dev.breakglass.bot.config.PolicySource}), and the bot's settings.
 * A policy that does not validate stops the bot at start with a {@link dev.breakglass.bot.config.PolicyException}
 * naming the file, the line and the field; so does a setting an adapter refuses once the policy is read
 * ({@link dev.breakglass.bot.config.AdapterSettingsException}, placed by the lines kept in
 * {@link dev.breakglass.bot.config.LoadedPolicy}).
 */
package dev.breakglass.bot.config;

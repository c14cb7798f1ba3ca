/**
 * The Slack side of the bot, wired here: the Bolt {@code App} built from every {@code BoltRegistration}
 * ({@link dev.breakglass.bot.slack.SlackAppFactory}), and Socket Mode and readiness
 * ({@link dev.breakglass.bot.slack.SlackLifecycle}). What Slack sends us lives in {@code slack.inbound}, what we
 * send Slack in {@code slack.outbound}, and how it looks in {@code slack.render}; inbound may use outbound, never
 * the other way round.
 */
package dev.breakglass.bot.slack;

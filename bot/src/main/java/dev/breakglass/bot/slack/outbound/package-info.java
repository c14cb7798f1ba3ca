/**
 * What the bot posts to Slack, one class per audience over one delivery mechanism (the event outbox's consumers):
 * the approval card and its post-mortem thread, the requester's direct messages, the notify channels, the App
 * Home, and the audit checkpoints. Every message carries the delivery that made it
 * ({@link dev.breakglass.bot.slack.outbound.DeliveryMarks}), so a repeated delivery finds it instead of posting
 * twice; every Web API call waits out rate limits and outages ({@link dev.breakglass.bot.slack.outbound.SlackRetry})
 * rather than dropping a message; every answer is read by one JSON parser
 * ({@link dev.breakglass.bot.slack.outbound.ParsedOnceMethodsClient}). The people directory reads Slack's users here
 * too.
 */
package dev.breakglass.bot.slack.outbound;

/**
 * The Slack side of the bot: the Bolt {@code App} and its handlers, the HTTP endpoint {@code /slack/events}
 * with our own signature check, Socket Mode, and readiness. Handlers are thin: parse once, call the core,
 * render the answer.
 */
package dev.breakglass.bot.slack;

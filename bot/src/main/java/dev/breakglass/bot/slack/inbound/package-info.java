/**
 * What Slack sends the bot: the HTTP endpoint {@code /slack/events} with our own signature check, the slash
 * command, buttons, forms (request, review, step-up), the post-mortem's Write review and Sign off, and the App Home
 * tab being opened. Handlers are thin: parse once, call the core, render the answer. A handler that may call a
 * target answers after the acknowledgement ({@link dev.breakglass.bot.slack.inbound.AfterAck}), as Slack waits
 * 3 seconds at most.
 */
package dev.breakglass.bot.slack.inbound;

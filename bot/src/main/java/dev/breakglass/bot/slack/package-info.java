/**
 * The Slack side of the bot: the Bolt {@code App} and its handlers (commands, buttons, forms, the post-mortem's
 * Write review and Sign off), what the bot posts (the card, its post-mortem thread, direct messages, notify
 * channels, App Home), the HTTP endpoint {@code /slack/events} with our own signature check, Socket Mode, and
 * readiness. Handlers are thin: parse once, call the core, render the answer.
 */
package dev.breakglass.bot.slack;

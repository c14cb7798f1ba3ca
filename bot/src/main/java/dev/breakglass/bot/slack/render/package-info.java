/**
 * Rendering what the bot says in Slack: Mustache templates from {@code templates/} (overridable with
 * {@code BREAKGLASS_TEMPLATES}) rendered by pure functions, with every user-supplied value escaped for mrkdwn.
 */
package dev.breakglass.bot.slack.render;

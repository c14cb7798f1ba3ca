/**
 * Where the core's {@link dev.breakglass.event.GrantEvent}s go in the bot: one {@link dev.breakglass.port.Notifier}
 * that hands each event to every listener (Slack messages, metrics, and later the audit trail), so the core
 * publishes once and each concern stays in its own adapter.
 */
package dev.breakglass.bot.events;

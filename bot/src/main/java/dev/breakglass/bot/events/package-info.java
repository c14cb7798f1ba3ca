/**
 * The outbox: how the core's {@link dev.breakglass.event.GrantEvent}s reach the audit log, Slack and metrics without
 * being lost. {@link dev.breakglass.bot.events.JdbcEventOutbox} stores each event in the transaction of the change that
 * made it, with one delivery per consumer and lane ({@link dev.breakglass.bot.events.EventRoutes}); the
 * {@link dev.breakglass.bot.events.EventRelay} hands pending deliveries to their
 * {@link dev.breakglass.bot.events.EventConsumer}, in order per lane, on any replica, after restarts.
 */
package dev.breakglass.bot.events;

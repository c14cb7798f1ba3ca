/**
 * Quartz on the JDBC job store (the same database as the grants): expiry, warnings and reminders survive a
 * restart. Jobs carry only a grant id and call idempotent use cases; the database stays the source of truth.
 */
package dev.breakglass.bot.scheduling;

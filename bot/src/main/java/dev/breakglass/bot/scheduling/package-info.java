/**
 * Timers and periodic work, in the same database as the grants so they survive a restart. Grant timers (expiry,
 * warnings, reminders, provisioning…) are rows of {@code grant_timers} claimed by a {@link
 * dev.breakglass.bot.scheduling.TimerPoller} in every replica without a cluster-wide lock; the sweeper and the
 * activity poll are clustered Quartz jobs (JDBC job store), one run at a time in the whole cluster. Timers carry
 * only a grant id and call idempotent use cases; the database stays the source of truth.
 */
package dev.breakglass.bot.scheduling;

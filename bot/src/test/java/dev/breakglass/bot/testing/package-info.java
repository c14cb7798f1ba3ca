/**
 * Test support shared by the bot's tests: private databases, the emulator-backed application, the packaged bot as
 * processes; and the load parts the benchmark and {@code LoadAndChaosIT} share (LoadCluster, LoadTarget,
 * ApprovalCards, Stats).
 */
package dev.breakglass.bot.testing;

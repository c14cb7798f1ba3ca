/**
 * The emulated workspace's state: what Slack remembers (messages, ephemeral messages, views and Home tabs, response
 * URLs, trigger ids, the calls the bot made), the team, the bot's identity and the directory of users, groups and
 * channels ({@link dev.breakglass.bot.sandbox.state.SandboxDirectory} is the demo one), and Slack's own checks of
 * Block Kit on the way in ({@link dev.breakglass.bot.sandbox.state.BlockKit}).
 *
 * <p>{@link dev.breakglass.bot.sandbox.state.EmulatorState} is the one mutable object; it is guarded by its own
 * lock, reads the injected clock only, and knows nothing of HTTP. The records here are snapshots handed to tests and
 * to the sandbox console. This package uses no other package of the emulator.
 */
package dev.breakglass.bot.sandbox.state;

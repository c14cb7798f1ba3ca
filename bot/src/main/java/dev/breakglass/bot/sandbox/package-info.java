/**
 * The built-in Slack emulator: what sandbox mode runs instead of a Slack workspace, and what every test of the
 * bot uses as "Slack".
 *
 * <p>It is faithful to the wire, not to Slack's UI: the same Web API methods under {@code /api/}, the same
 * response shapes and error codes, HTTP 429 with {@code Retry-After}, response URLs, trigger ids that expire
 * after three seconds, and the same signed requests (HTTP) or envelopes (Socket Mode) going to the bot. Point
 * Bolt at it with {@code SlackConfig#setMethodsEndpointUrlPrefix(emulator.apiUrl())}.
 *
 * <ul>
 *   <li>{@link dev.breakglass.bot.sandbox.SlackEmulator}: the Web API server and everything it remembers
 *       (calls, messages, ephemeral messages, views, home tabs, response URL posts).</li>
 *   <li>{@link dev.breakglass.bot.sandbox.SlackDelivery}: what a user does (slash command, button click,
 *       modal submission, opening the Home tab), sent to the bot over a
 *       {@link dev.breakglass.bot.sandbox.DeliveryTransport}: {@link dev.breakglass.bot.sandbox.HttpDelivery}
 *       (signed POSTs) or {@link dev.breakglass.bot.sandbox.SocketModeServer} (WebSocket envelopes).</li>
 *   <li>{@link dev.breakglass.bot.sandbox.SlackSigner}: Slack's {@code v0} request signature.</li>
 *   <li>{@link dev.breakglass.bot.sandbox.SandboxDirectory}: the demo team, users, groups and channels.</li>
 * </ul>
 *
 * <p>Plain Java, no Micronaut: the bot wires these classes itself. Nothing here reads the environment.
 */
package dev.breakglass.bot.sandbox;

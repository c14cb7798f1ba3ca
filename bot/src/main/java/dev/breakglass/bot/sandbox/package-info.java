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
 *   <li>{@link dev.breakglass.bot.sandbox.SlackEmulator}: the server (Web API under {@code /api/}, response URLs,
 *       rate limits) and the facade tests and the console use; it owns the parts below.</li>
 *   <li>{@link dev.breakglass.bot.sandbox.webapi}: the Web API methods.</li>
 *   <li>{@link dev.breakglass.bot.sandbox.state}: everything the workspace remembers, and the demo directory.</li>
 *   <li>{@link dev.breakglass.bot.sandbox.transport}: what a user does, sent to the bot over signed HTTP or Socket
 *       Mode.</li>
 *   <li>{@link dev.breakglass.bot.sandbox.console}: the web console at {@code /sandbox}.</li>
 * </ul>
 *
 * <p>Dependencies point one way: the emulator uses the three parts, the Web API and the transports use the state,
 * and the state uses none of them ({@code ArchitectureTest} checks there is no cycle).
 *
 * <p>Plain Java, no Micronaut: the bot wires these classes itself. Nothing here reads the environment.
 */
package dev.breakglass.bot.sandbox;

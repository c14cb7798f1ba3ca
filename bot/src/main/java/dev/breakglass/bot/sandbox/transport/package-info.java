/**
 * What a person does in the emulated workspace, sent to the bot as Slack sends it:
 * {@link dev.breakglass.bot.sandbox.transport.SlackDelivery} builds the payload of a slash command, a button click,
 * a modal submission or the Home tab opening, and hands it to a
 * {@link dev.breakglass.bot.sandbox.transport.DeliveryTransport}: {@link dev.breakglass.bot.sandbox.transport.HttpDelivery}
 * (signed POSTs, {@link dev.breakglass.bot.sandbox.transport.SlackSigner}) or
 * {@link dev.breakglass.bot.sandbox.transport.SocketModeServer} (WebSocket envelopes). The bot's answer is applied
 * to the state as Slack would, only when it came within the three-second acknowledgement window.
 *
 * <p>A delivery reaches the workspace through {@link dev.breakglass.bot.sandbox.transport.Workspace}, which the
 * emulator implements: the transports sit below the emulator that owns them, with no cycle.
 */
package dev.breakglass.bot.sandbox.transport;

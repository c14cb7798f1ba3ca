/**
 * The sandbox console at {@code /sandbox}: a web page where a person plays every demo user of the built-in Slack
 * emulator and runs the whole break-glass loop without a Slack workspace.
 *
 * <p>The page is plain HTML, CSS and JavaScript modules served from the jar ({@code classpath:sandbox/}); it renders
 * the bot's real Block Kit from what the emulator holds, and everything a person does there goes to the bot the
 * way Slack sends it: {@link dev.breakglass.bot.sandbox.transport.SlackDelivery} over signed HTTP to {@code /slack/events}.
 *
 * <ul>
 *   <li>{@link dev.breakglass.bot.sandbox.console.SandboxConsole}: what a user sees (a snapshot of the workspace
 *       through their eyes) and what they do (command, click, submit, close, open Home);</li>
 *   <li>{@link dev.breakglass.bot.sandbox.console.SandboxConsoleController}: the page, its assets, a small JSON API
 *       and the Server-Sent Events stream that tells every open window something changed;</li>
 *   <li>{@link dev.breakglass.bot.sandbox.console.ConsoleGuard}: loopback clients only (unless
 *       {@code BREAKGLASS_SANDBOX_PUBLIC=true}), and no cross-site or rebound-DNS requests;</li>
 *   <li>{@link dev.breakglass.bot.sandbox.console.SandboxModeCondition}: none of this exists when a bot token is
 *       set.</li>
 * </ul>
 */
package dev.breakglass.bot.sandbox.console;

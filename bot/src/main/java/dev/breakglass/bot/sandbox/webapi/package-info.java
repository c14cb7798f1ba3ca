/**
 * The emulator's Web API: one method per Slack Web API method the bot calls ({@code chat.postMessage},
 * {@code views.open}, {@code conversations.history}, …), reading the arguments as Slack does (form or JSON, token
 * checks, the documented error codes) and answering in Slack's response shapes from the
 * {@link dev.breakglass.bot.sandbox.state state}. The HTTP server that routes {@code /api/<method>} here, and the
 * rate limits, belong to {@link dev.breakglass.bot.sandbox.SlackEmulator}.
 */
package dev.breakglass.bot.sandbox.webapi;

/**
 * What the bot's outbound HTTP calls to other systems share, whoever makes them: the {@code v1} request signature
 * ({@link dev.breakglass.bot.outbound.WebhookSignature}) that both the {@code webhook} adapter and the SIEM forwarder
 * put on every POST. It lives here, below both, so that {@code audit} (the SIEM forwarder) and {@code target} (the
 * adapters, which write to the audit log) do not depend on each other in a circle; {@code ArchitectureTest} keeps it
 * that way.
 */
package dev.breakglass.bot.outbound;

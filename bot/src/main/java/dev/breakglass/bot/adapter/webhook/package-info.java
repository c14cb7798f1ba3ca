/**
 * The {@code webhook} target adapter, the generic bridge: grant, revoke and verify become signed JSON POSTs to a
 * receiver that the operator writes ({@code docs/adapters.md}, "Writing a webhook receiver").
 *
 * <p>{@link dev.breakglass.bot.adapter.webhook.WebhookAdapterFactory} reads {@code url}, {@code secret},
 * {@code timeout} and {@code retries} ({@link dev.breakglass.bot.adapter.webhook.WebhookSettings});
 * {@link dev.breakglass.bot.adapter.webhook.WebhookAdapter} makes the calls, retrying 5xx, timeouts and connection
 * errors; {@link dev.breakglass.bot.outbound.WebhookSignature} is the {@code v1} HMAC-SHA256 signature.
 * Bodies are never logged: a grant's answer carries credentials.
 */
package dev.breakglass.bot.adapter.webhook;

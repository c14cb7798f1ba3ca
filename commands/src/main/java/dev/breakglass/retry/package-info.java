/**
 * Retry timing shared by the core and the bot: {@link dev.breakglass.retry.Backoff}, the one doubling-with-a-cap
 * rule every retry uses, each caller with its own numbers. Plain values; no clock, no sleeping.
 */
package dev.breakglass.retry;

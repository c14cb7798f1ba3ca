/**
 * The audit trail: every grant event, appended to a hash-chained table ({@code hash = SHA-256(prev_hash ‖
 * canonical JSON)}), readable per grant, exportable, and verifiable link by link. No secrets are ever written.
 */
package dev.breakglass.bot.audit;

/**
 * The audit trail: every grant event, appended to a hash-chained table ({@code hash = SHA-256(prev_hash ‖
 * canonical JSON)}), readable per grant, exportable and verifiable link by link over HTTP ({@code AuditController},
 * token-protected) and from the command line ({@code AuditCli}), and optionally forwarded to a SIEM through a
 * transactional outbox ({@code SiemForwarder}). No secrets are ever written or logged. See {@code docs/audit.md}.
 */
package dev.breakglass.bot.audit;

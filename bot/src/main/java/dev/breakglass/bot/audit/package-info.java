/**
 * The audit trail: every grant event, appended to a keyed hash-chained table ({@code hash = HMAC-SHA256(audit key,
 * prev_hash ‖ canonical JSON)}, the key outside the database), readable per grant, exportable and verifiable link by
 * link over HTTP ({@code AuditController}, token-protected) and from the command line ({@code AuditCli}), anchored
 * outside the database by signed {@code Checkpoint}s ({@code AuditCheckpoints} → every {@code CheckpointWitness}),
 * and optionally forwarded to a SIEM through a transactional outbox ({@code SiemForwarder}). No secrets are ever
 * written or logged. See {@code docs/audit.md}.
 */
package dev.breakglass.bot.audit;

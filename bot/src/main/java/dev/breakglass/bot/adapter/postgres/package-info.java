/**
 * The {@code postgres} target adapter: break-glass access as PostgreSQL login roles whose {@code VALID UNTIL} is the
 * end of the window, so access ends even when the bot is down ({@code docs/adapters-postgres.md}).
 *
 * <p>{@link dev.breakglass.bot.adapter.postgres.PostgresAdapterFactory} reads the settings
 * ({@link dev.breakglass.bot.adapter.postgres.PostgresSettings}, {@link dev.breakglass.bot.adapter.postgres.PostgresUrl});
 * {@link dev.breakglass.bot.adapter.postgres.PostgresAdapter} serves one target in one of two modes: a role per grant
 * ({@code PerGrantAccess}) or one dedicated emergency account ({@code SharedAccountAccess}). {@code AdminSession} is
 * the admin connection, one per call. {@code OrphanOwner} receives what a per-grant login still owns at revoke and
 * makes its routines unusable; {@code PasswordCheckProbe} finds out at start whether the server checks passwords.
 * {@code PostgresActivity} reads what a grant's login did from the server's structured log ({@code ServerLog},
 * {@code LogRecord}), or samples {@code pg_stat_activity} where the log cannot be read.
 *
 * <p>Passwords never reach a log: the server is sent only their SCRAM verifiers ({@code Passwords}), statements are
 * never logged here, and error messages carry the server's reason without the statement.
 */
package dev.breakglass.bot.adapter.postgres;

/**
 * The {@code mysql} target adapter, for MySQL and MariaDB: every grant gets its own database account
 * ({@code bg_<grant>_<slack id>}) with a random password and the privileges its role maps to; revocation locks the
 * account, ends its sessions and drops it (see {@code docs/adapters-mysql.md}).
 *
 * <p>{@link dev.breakglass.bot.adapter.mysql.MysqlAdapterFactory} reads the settings
 * ({@link dev.breakglass.bot.adapter.mysql.MysqlSettings}); {@link dev.breakglass.bot.adapter.mysql.PrivilegeGrant}
 * is one whitelisted {@code <privileges> ON <db>.<table|*>} entry, so policy text never reaches the server as SQL;
 * {@link dev.breakglass.bot.adapter.mysql.MysqlAccount} names the account and is the handle;
 * {@link dev.breakglass.bot.adapter.mysql.MysqlAdapter} runs the statements. Every piece of SQL is assembled from
 * whitelisted parts, and statements that carry a password are never logged or quoted in messages.
 * {@link dev.breakglass.bot.adapter.mysql.MysqlActivity} reads what a grant's account did (audit plugin file, general
 * log table, or process list samples).
 */
package dev.breakglass.bot.adapter.mysql;

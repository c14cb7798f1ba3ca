/**
 * Activity under grants on the bot's side: {@code JdbcActivityLog} (the {@code ActivityLog} port: masked rows, each
 * capture's read position, and an audit entry per row carrying its digest, in one transaction) and
 * {@code ActivityController} ({@code GET /activity/export}, JSON Lines, the audit token). Depends on
 * {@code persistence} and {@code audit}; neither depends on it.
 */
package dev.breakglass.bot.activity;

/**
 * Activity under grants on the bot's side: {@code JdbcActivityLog} (the {@code ActivityLog} port: masked rows, each
 * capture's read position, an audit entry per row carrying its digest and the row's place in the live feed's outbox,
 * in one transaction), {@code JdbcActivityFeed} (what the feed has still to post, and the post under way),
 * {@code ActivityController} ({@code GET /activity/export}, JSON Lines, the audit token) and
 * {@code ActivityIngestController} ({@code POST /activity}: signed activity from recorders and proxies, read by
 * {@code IngestedActivity}). Depends on {@code persistence}, {@code audit}, {@code outbound} (the signature) and
 * {@code config}; none of them depends on it. The feed itself is posted by {@code slack.outbound.ActivityFeed},
 * driven by {@code scheduling.ActivityJob}.
 */
package dev.breakglass.bot.activity;

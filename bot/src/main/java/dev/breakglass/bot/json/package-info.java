/**
 * JSON for the whole bot: {@link dev.breakglass.bot.json.JsonMappers}, the one place Jackson is configured
 * (strict reading everywhere, sorted keys for the audit chain, exact numbers for adapter answers).
 */
package dev.breakglass.bot.json;

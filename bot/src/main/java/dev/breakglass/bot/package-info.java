/**
 * The application: {@link dev.breakglass.bot.Application} starts it, {@link dev.breakglass.bot.HealthController}
 * says whether it can serve. Everything else lives in the adapter packages below.
 */
package dev.breakglass.bot;

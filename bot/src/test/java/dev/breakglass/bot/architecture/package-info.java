/**
 * Test-only packages that break the architecture rules on purpose, so {@code dev.breakglass.bot.ArchitectureTest}
 * can show each rule refuses what it should. Nothing here is imported by the bot's main code.
 */
package dev.breakglass.bot.architecture;

/** Test support shared by the bot's tests: private databases, the emulator-backed application. */
package dev.breakglass.bot.testing;

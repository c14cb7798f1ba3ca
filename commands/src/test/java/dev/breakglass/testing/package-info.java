/** Test support shared by the core's tests and, through the core's test jar, the bot's: the manual clock. */
package dev.breakglass.testing;

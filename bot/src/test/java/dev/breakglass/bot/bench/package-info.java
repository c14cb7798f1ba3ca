/**
 * The benchmark command ({@code mvn -B -Pbench -pl bot -am verify -DskipTests}, docs/benchmarks.md): the packaged
 * bot as real processes driven as Slack drives it (signed HTTP from the emulator), a webhook target that notes when
 * each call arrived, and the table of figures. Not a test: nothing here fails a build on a number.
 */
package dev.breakglass.bot.bench;

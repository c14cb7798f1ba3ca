package dev.breakglass.command;

import dev.breakglass.grant.ShippedWords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

    @ParameterizedTest
    @CsvSource({
            "90s, 90",
            "30m, 1800",
            "1h30m, 5400",
            "2h, 7200",
            "1h0m30s, 3630",
            "90m, 5400",
            "1m1s, 61",
            "000001s, 1",
            "999999h59m59s, 3599999999",
    })
    void reads(String text, long seconds) {
        assertEquals(Optional.of(Duration.ofSeconds(seconds)), DurationText.parse(text));
        assertEquals(Optional.empty(), DurationText.problem(text));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"0m", "0s", "0h0m0s", "1m1h", "30s1m", "1h1h", "9999999h", "1234567m",
            "99999999999999999999999999999h", "30M", "1H", "30", "30min", "1.5h", "-5m", "+5m", " 30m", "30m ",
            "30 m", "h", "m30", "1d", "\u0663\u0660m", "３０m", "999999h59m60s", "999999h60m", "1h30m0s0s",
            "30m\u0000"})
    void refuses(String text) {
        assertEquals(Optional.empty(), DurationText.parse(text));
        assertTrue(DurationText.problem(text).isPresent());
    }

    @Test
    void explainsWhy() {
        assertProblem("0m", "\"0m\" is zero");
        assertProblem("0", "\"0\" is zero");
        assertProblem("1m1h", "\"1m1h\" has its units out of order or repeated");
        assertProblem("1h1h", "out of order or repeated");
        assertProblem("9999999h", "\"9999999h\" has a number with more than 6 digits");
        assertProblem("99999999999999999999999999999h", "more than 6 digits");
        assertProblem("30M", "\"30M\" uses capital letters; write the units in lower case: 30m.");
        assertProblem("30", "\"30\" has no unit; add h, m or s, like 30m");
        assertProblem("30min", "write the unit as one letter: 30m.");
        assertProblem("2Hours", "write the unit as one letter: 2h.");
        assertProblem("soon", "\"soon\" is not a duration; write a number followed by h, m or s");
        assertProblem("999999h60m", "longer than the longest duration, 999999h59m59s");
        assertProblem("", "The duration is missing");
        assertProblem(null, "The duration is missing");
    }

    @Test
    void longTextIsCutInTheProblem() {
        String problem = ShippedWords.of(DurationText.problem("1".repeat(100)).orElseThrow());
        assertTrue(problem.startsWith("\"" + "1".repeat(39) + "…\""), problem);
    }

    @ParameterizedTest
    @CsvSource({
            "90, 1m30s",
            "1800, 30m",
            "5400, 1h30m",
            "7200, 2h",
            "3601, 1h1s",
            "86400, 24h",
            "0, 0s",
            "-60, 0s",
    })
    void formats(long seconds, String text) {
        assertEquals(text, DurationText.format(Duration.ofSeconds(seconds)));
    }

    @Test
    void formatDropsFractions() {
        assertEquals("1m", DurationText.format(Duration.ofMillis(60_999)));
    }

    @Test
    void formatThenParseRoundTrips() {
        for (long s : new long[] {1, 59, 60, 61, 3599, 3600, 3601, 5400, 86_399, 86_400, 1_000_000,
                DurationText.MAX.getSeconds()}) {
            Duration d = Duration.ofSeconds(s);
            assertEquals(Optional.of(d), DurationText.parse(DurationText.format(d)), "seconds " + s);
        }
    }

    @Test
    void everythingParseAcceptsFormatsBackToTheSameDuration() {
        for (String text : new String[] {"90m", "999999h999m", "1h0m0s", "0h0m1s", "61s", "999999h59m59s"}) {
            Optional<Duration> d = DurationText.parse(text);
            if (d.isPresent()) {
                assertEquals(d, DurationText.parse(DurationText.format(d.get())), text);
            }
        }
        assertEquals(Optional.empty(), DurationText.parse("999999h999m"), "above MAX");
    }

    private static void assertProblem(String text, String expected) {
        String problem = ShippedWords.of(DurationText.problem(text).orElseThrow());
        assertTrue(problem.contains(expected), () -> "expected <" + expected + "> in <" + problem + ">");
    }
}

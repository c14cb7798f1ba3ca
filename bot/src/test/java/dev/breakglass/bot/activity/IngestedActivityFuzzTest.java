package dev.breakglass.bot.activity;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.breakglass.activity.Activity;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever a recorder or a proxy posts to {@code POST /activity}, the body is read into activities of one grant or
 * refused with a reason; it never throws. Under plain {@code mvn test} this runs the seeds in
 * {@code src/test/resources/dev/breakglass/bot/activity/IngestedActivityFuzzTestInputs/anyBody/};
 * {@code JAZZER_FUZZ=1} fuzzes for real (docs/benchmarks.md). The signature, replay and grant checks around it are
 * {@link ActivityIngestTest}'s.
 */
class IngestedActivityFuzzTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @FuzzTest
    void anyBody(byte[] body) {
        switch (IngestedActivity.read(body, NOW)) {
            case IngestedActivity.Read.Invalid invalid -> assertFalse(invalid.why().isBlank(), "a refusal says why");
            case IngestedActivity.Read.Activities read -> {
                assertFalse(read.activities().isEmpty(), "at least one activity");
                assertTrue(read.activities().size() <= IngestedActivity.MAX_ACTIVITIES);
                for (Activity a : read.activities()) {
                    assertEquals(read.grant(), a.grant(), "all of one grant");
                    assertEquals(read.source(), a.source(), "all of one source");
                    assertFalse(a.at().isAfter(NOW.plusSeconds(IngestedActivity.FUTURE_SECONDS)), "not from the future");
                }
            }
        }
    }
}

package dev.breakglass.policy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReviewPolicyTest {

    @Test
    void defaults() {
        assertEquals(Duration.ofHours(24), ReviewPolicy.DEFAULT.remindEvery());
        assertEquals(3, ReviewPolicy.DEFAULT.escalateAfter());
        assertEquals(Duration.ofHours(24), new ReviewPolicy(null, 2, null).remindEvery());
    }

    @Test
    void remindEveryAtLeastAMinute() {
        assertEquals(Duration.ofMinutes(1), new ReviewPolicy(Duration.ofMinutes(1), 1, null).remindEvery());
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> new ReviewPolicy(Duration.ofSeconds(59), 3, null));
        assertEquals(List.of("remind-every"), e.field());
        assertEquals("remind-every (59s) is shorter than 1m: reminders would flood the channel", e.getMessage());
    }

    @Test
    void escalateAfterAtLeastOne() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> new ReviewPolicy(Duration.ofHours(1), 0, null));
        assertEquals(List.of("escalate-after"), e.field());
        assertEquals("escalate-after must be at least 1 reminder, not 0", e.getMessage());
    }
}

package dev.breakglass.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BackoffTest {

    @Test
    void doublesFromTheFirstPauseUpToTheLongest() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        List<Duration> pauses = IntStream.rangeClosed(1, 7).mapToObj(b::after).toList();
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30)), pauses);
    }

    @Test
    void aHugeAttemptNumberIsTheLongestPauseWithoutOverflow() {
        assertEquals(Duration.ofMinutes(10),
                new Backoff(Duration.ofNanos(1), Duration.ofMinutes(10)).after(Integer.MAX_VALUE));
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        assertEquals(huge, new Backoff(Duration.ofSeconds(1), huge).after(Integer.MAX_VALUE));
    }

    @Test
    void equalFirstAndLongestIsAFixedPause() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofMillis(500));
        assertEquals(Duration.ofMillis(500), b.after(1));
        assertEquals(Duration.ofMillis(500), b.after(9));
    }

    @Test
    void refusesPausesThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(-1), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThrows(IllegalArgumentException.class, () -> b.after(0));
    }
}

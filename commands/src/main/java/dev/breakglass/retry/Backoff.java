package dev.breakglass.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * How long to wait before trying again: {@code first} after the first failure, doubled after each further one,
 * never more than {@code max}. The one rule behind every retry in Breakglass — revocations
 * ({@code RevocationTimings}), the SIEM forwarder, the webhook adapter, Slack outages — each with its own numbers.
 *
 * <p>Edge cases: the doubling stops at {@code max}, so a very large attempt number neither overflows nor loops long
 * (a {@code max} near {@link Duration}'s own limit is safe too); {@code first == max} is a fixed pause. A value, not
 * a clock: callers add the pause to their own injected time, or sleep it.
 *
 * @param first the pause after failed attempt 1; positive
 * @param max   the longest pause; at least {@code first}
 */
public record Backoff(Duration first, Duration max) {

    /**
     * @throws IllegalArgumentException when {@code first} is zero or negative, or {@code max} shorter than it
     */
    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("the first pause must be longer than zero, got " + first);
        }
        if (max.compareTo(first) < 0) {
            throw new IllegalArgumentException("the longest pause (" + max + ") is shorter than the first (" + first
                    + ")");
        }
    }

    /**
     * The pause after failed attempt number {@code attempt}: {@code first · 2^(attempt-1)}, at most {@code max}.
     *
     * @param attempt 1 for the first failure, 2 for the second …
     * @throws IllegalArgumentException when {@code attempt} is below 1
     */
    public Duration after(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempt);
        }
        Duration half = max.dividedBy(2);
        Duration wait = first;
        for (int i = 1; i < attempt; i++) {
            if (wait.compareTo(half) > 0) {
                return max;
            }
            wait = wait.multipliedBy(2);
        }
        return wait;
    }
}

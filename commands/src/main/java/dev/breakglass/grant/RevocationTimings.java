package dev.breakglass.grant;

import dev.breakglass.retry.Backoff;

import java.time.Duration;
import java.util.Objects;

/**
 * How revocation retries and claims are timed.
 *
 * @param lease      how long a revocation attempt belongs to the process that started it; longer than the slowest
 *                   adapter call with its retries, short enough that a dead process's work is taken over soon
 * @param firstRetry wait after the first failure; doubled after each further failure ({@link Backoff})
 * @param maxRetry   the longest wait between attempts (retries go on forever at this pace)
 */
public record RevocationTimings(Duration lease, Duration firstRetry, Duration maxRetry) {
    public static final RevocationTimings DEFAULT =
            new RevocationTimings(Duration.ofMinutes(2), Duration.ofSeconds(15), Duration.ofMinutes(10));

    public RevocationTimings {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(firstRetry, "firstRetry");
        Objects.requireNonNull(maxRetry, "maxRetry");
        if (lease.isNegative() || lease.isZero() || firstRetry.isNegative() || firstRetry.isZero()
                || maxRetry.compareTo(firstRetry) < 0) {
            throw new IllegalArgumentException("revocation timings must be positive, max ≥ first: " + this);
        }
    }

    /**
     * The wait after failed attempt number {@code attempt} (1-based): first, 2×first, 4×first … capped
     * ({@link Backoff#after}). An attempt number below 1 counts as the first.
     */
    public Duration backoff(int attempt) {
        return new Backoff(firstRetry, maxRetry).after(Math.max(1, attempt));
    }
}

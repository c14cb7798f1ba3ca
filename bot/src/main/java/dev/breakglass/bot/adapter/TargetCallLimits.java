package dev.breakglass.bot.adapter;

import dev.breakglass.bot.config.InvalidConfigurationException;
import dev.breakglass.command.DurationText;
import dev.breakglass.grant.RevocationTimings;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * How far one target may hold the bot up: at most {@code concurrency} adapter calls at a time per target
 * ({@code breakglass.targets.concurrency}, default 4), each given up after {@code callTimeout}
 * ({@code breakglass.targets.call-timeout}, default 30s). Checked at start: a revocation makes up to
 * {@value #CALLS_PER_REVOCATION} calls (verify, revoke, verify, rotate) and must finish within the revocation lease,
 * or another replica takes it over while it still runs.
 *
 * @param concurrency adapter calls one target runs at once (1 to 64); more wait their turn, within their deadline
 * @param callTimeout the deadline of one adapter call, from when it was handed in
 */
@Singleton
public record TargetCallLimits(int concurrency, Duration callTimeout) {
    /** Adapter calls one revocation may make. */
    public static final int CALLS_PER_REVOCATION = 4;
    static final int MAX_CONCURRENCY = 64;
    /** Activity reads at once per target: polls are short, and a slow log must not take more threads than this. */
    static final int ACTIVITY_READS = 2;

    @jakarta.inject.Inject
    public TargetCallLimits(@Value("${breakglass.targets.concurrency:4}") int concurrency,
                            @Value("${breakglass.targets.call-timeout:30s}") Duration callTimeout,
                            RevocationTimings timings) {
        this(concurrency, callTimeout);
        Duration needed = callTimeout.multipliedBy(CALLS_PER_REVOCATION);
        if (needed.compareTo(timings.lease()) > 0) {
            throw new InvalidConfigurationException("breakglass.targets.call-timeout (BREAKGLASS_TARGETS_CALL_TIMEOUT) "
                    + DurationText.format(callTimeout) + " × " + CALLS_PER_REVOCATION + " calls of a revocation"
                    + " (verify, revoke, verify, rotate) is longer than breakglass.revocation.lease "
                    + DurationText.format(timings.lease()) + ": another replica would take a revocation over while it"
                    + " still runs. Shorten the call timeout or lengthen the lease.");
        }
    }

    public TargetCallLimits {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new InvalidConfigurationException("breakglass.targets.concurrency (BREAKGLASS_TARGETS_CONCURRENCY) is "
                    + concurrency + "; give 1 to " + MAX_CONCURRENCY + " adapter calls at once per target");
        }
        if (callTimeout == null || callTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidConfigurationException("breakglass.targets.call-timeout (BREAKGLASS_TARGETS_CALL_TIMEOUT) is "
                    + (callTimeout == null ? "missing" : DurationText.format(callTimeout))
                    + "; give at least 1s, e.g. 30s");
        }
    }

    /**
     * The limits of a target's activity reads: their own {@value #ACTIVITY_READS} threads (fewer when the target
     * allows fewer calls) with the same deadline, apart from the calls that give and take access.
     */
    public TargetCallLimits forActivity() {
        return new TargetCallLimits(Math.min(ACTIVITY_READS, concurrency), callTimeout);
    }
}

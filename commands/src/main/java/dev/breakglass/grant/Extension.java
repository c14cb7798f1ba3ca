package dev.breakglass.grant;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A pending request for more time on an active grant: approved again under the same policy (the same number
 * of distinct peers, never the requester) before the window grows.
 *
 * @param approvedBy peers who approved the extension so far, in order
 */
public record Extension(Duration duration, String justification, Instant requestedAt, List<String> approvedBy) {
    public Extension {
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(justification, "justification");
        Objects.requireNonNull(requestedAt, "requestedAt");
        approvedBy = List.copyOf(approvedBy);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("an extension must be positive: " + duration);
        }
    }
}

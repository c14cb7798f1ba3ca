package dev.breakglass.grant;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A request about to be stored; the store gives it an id and makes it a PENDING {@link Grant} at version 1.
 *
 * @param approvalsRequired distinct peer approvals needed, from the target's policy at request time (a later
 *                          policy change does not move the goalposts of a pending request)
 * @param stepUpVerified    the requester passed step-up for this request
 * @param kind              the id of the emergency kind it is for, when the policy defines kinds
 */
public record NewGrant(
        String requester,
        String target,
        Optional<String> role,
        Duration duration,
        String justification,
        Optional<String> incident,
        int approvalsRequired,
        Instant requestedAt,
        boolean stepUpVerified,
        Optional<String> kind) {

    public NewGrant {
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(justification, "justification");
        Objects.requireNonNull(incident, "incident");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(kind, "kind");
        if (approvalsRequired < 1) {
            throw new IllegalArgumentException("approvalsRequired must be at least 1: " + approvalsRequired);
        }
    }

    /** A request made without step-up. */
    public NewGrant(String requester, String target, Optional<String> role, Duration duration, String justification,
                    Optional<String> incident, int approvalsRequired, Instant requestedAt) {
        this(requester, target, role, duration, justification, incident, approvalsRequired, requestedAt, false,
                Optional.empty());
    }
}

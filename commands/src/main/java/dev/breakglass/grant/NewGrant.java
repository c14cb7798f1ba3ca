package dev.breakglass.grant;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A request about to be stored; the store gives it an id and makes it a PENDING {@link Grant} at version 1. */
public record NewGrant(
        String requester,
        String target,
        Optional<String> role,
        Duration duration,
        String justification,
        Optional<String> incident,
        Instant requestedAt) {

    public NewGrant {
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(justification, "justification");
        Objects.requireNonNull(incident, "incident");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }
}

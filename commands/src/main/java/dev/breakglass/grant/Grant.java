package dev.breakglass.grant;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One request for emergency access and everything that happened to it, as stored.
 *
 * <p>{@code version} is the optimistic-concurrency counter: a change is saved only if the stored version is
 * still the one this copy was read at (see {@link dev.breakglass.port.GrantStore#update}).
 * {@code expiresAt} counts from activation, so it is empty until the grant is ACTIVE.
 */
public record Grant(
        GrantId id,
        long version,
        GrantState state,
        String requester,
        String target,
        Optional<String> role,
        Duration duration,
        String justification,
        Optional<String> incident,
        Instant requestedAt,
        Optional<Instant> activatedAt,
        Optional<Instant> expiresAt,
        Instant updatedAt) {

    public Grant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(justification, "justification");
        Objects.requireNonNull(incident, "incident");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(activatedAt, "activatedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1: " + version);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + duration);
        }
    }

    /**
     * This grant moved to {@code next} at {@code now}, same version (the store bumps it on save).
     *
     * @throws IllegalStateException when the move is not in {@link GrantState}'s table; a move to the current
     *                               state is also refused here, callers treat it as a no-op before asking
     */
    public Grant movedTo(GrantState next, Instant now) {
        if (state.moveTo(next) != GrantState.Move.PROCEED) {
            throw new IllegalStateException(id + " cannot go from " + state + " to " + next);
        }
        return new Grant(id, version, next, requester, target, role, duration, justification, incident,
                requestedAt, activatedAt, expiresAt, now);
    }

    /** This grant made ACTIVE at {@code now}: the window starts now and ends after {@link #duration}. */
    public Grant activated(Instant now) {
        Grant moved = movedTo(GrantState.ACTIVE, now);
        return new Grant(id, version, moved.state, requester, target, role, duration, justification, incident,
                requestedAt, Optional.of(now), Optional.of(now.plus(duration)), now);
    }
}

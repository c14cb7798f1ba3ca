package dev.breakglass.grant;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a grant is in its life, with the complete table of legal moves (DESIGN.md):
 * <pre>
 * PENDING  → APPROVED | DENIED | CANCELLED | TIMED_OUT
 * APPROVED → ACTIVE | FAILED
 * ACTIVE   → EXPIRED | REVOKED | REVOKE_FAILED
 * REVOKE_FAILED → REVOKED | EXPIRED
 * EXPIRED | REVOKED → REVIEWED
 * </pre>
 * EXPIRED means access was removed at the end of its window, REVOKED that it was removed early.
 * DENIED, CANCELLED, TIMED_OUT, FAILED and REVIEWED are final.
 */
public enum GrantState {
    PENDING, APPROVED, ACTIVE, EXPIRED, REVOKED, REVOKE_FAILED, REVIEWED, DENIED, CANCELLED, TIMED_OUT, FAILED;

    /** What asking to move from this state to {@code next} amounts to. */
    public enum Move { PROCEED, ALREADY_THERE, ILLEGAL }

    private Set<GrantState> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(APPROVED, DENIED, CANCELLED, TIMED_OUT);
            case APPROVED -> EnumSet.of(ACTIVE, FAILED);
            case ACTIVE -> EnumSet.of(EXPIRED, REVOKED, REVOKE_FAILED);
            case REVOKE_FAILED -> EnumSet.of(REVOKED, EXPIRED);
            case EXPIRED, REVOKED -> EnumSet.of(REVIEWED);
            case REVIEWED, DENIED, CANCELLED, TIMED_OUT, FAILED -> EnumSet.noneOf(GrantState.class);
        };
    }

    /**
     * Classifies a requested change: a repeated step ({@code next == this}) is {@link Move#ALREADY_THERE},
     * so a second click or a re-fired job is a no-op rather than an error.
     */
    public Move moveTo(GrantState next) {
        if (next == this) {
            return Move.ALREADY_THERE;
        }
        return next().contains(next) ? Move.PROCEED : Move.ILLEGAL;
    }

    /** True when no further move is possible. */
    public boolean isFinal() {
        return next().isEmpty();
    }

    /** True while the target may hold access for this grant (provisioned and not yet confirmed removed). */
    public boolean holdsAccess() {
        return this == ACTIVE || this == REVOKE_FAILED;
    }
}

package dev.breakglass.grant;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a grant is in its life, with the complete table of legal moves (DESIGN.md):
 * <pre>
 * PENDING  → APPROVED | DENIED | CANCELLED | TIMED_OUT
 * APPROVED → PROVISIONING | FAILED
 * PROVISIONING → ACTIVE | FAILED | ROLLED_BACK | REVOKE_FAILED
 * ACTIVE   → EXPIRED | REVOKED | REVOKE_FAILED
 * REVOKE_FAILED → REVOKED | EXPIRED | ROLLED_BACK
 * EXPIRED | REVOKED → REVIEWED
 * </pre>
 * EXPIRED means access was removed at the end of its window, REVOKED that it was removed early.
 * PROVISIONING is saved before the adapter is asked, so a process that dies between the target's answer and the
 * ACTIVE save leaves a visible trace: the sweeper takes such access back once the provisioning lease passed.
 * ROLLED_BACK means the target provisioned the access but the grant never became ACTIVE (its credentials could not
 * be stored, the save failed, the process died), and the access was confirmed removed; a rollback whose revoke
 * fails goes through REVOKE_FAILED like any revocation. PROVISIONING and ROLLED_BACK go beyond DESIGN.md's list
 * (docs/architecture.md says so). DENIED, CANCELLED, TIMED_OUT, FAILED, ROLLED_BACK and REVIEWED are final.
 */
public enum GrantState {
    PENDING, APPROVED, ACTIVE, EXPIRED, REVOKED, REVOKE_FAILED, REVIEWED, DENIED, CANCELLED, TIMED_OUT, FAILED,
    PROVISIONING, ROLLED_BACK;

    /** What asking to move from this state to {@code next} amounts to. */
    public enum Move { PROCEED, ALREADY_THERE, ILLEGAL }

    private Set<GrantState> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(APPROVED, DENIED, CANCELLED, TIMED_OUT);
            case APPROVED -> EnumSet.of(PROVISIONING, FAILED);
            case PROVISIONING -> EnumSet.of(ACTIVE, FAILED, ROLLED_BACK, REVOKE_FAILED);
            case ACTIVE -> EnumSet.of(EXPIRED, REVOKED, REVOKE_FAILED);
            case REVOKE_FAILED -> EnumSet.of(REVOKED, EXPIRED, ROLLED_BACK);
            case EXPIRED, REVOKED -> EnumSet.of(REVIEWED);
            case REVIEWED, DENIED, CANCELLED, TIMED_OUT, FAILED, ROLLED_BACK -> EnumSet.noneOf(GrantState.class);
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

    /**
     * True while the target may hold access for this grant: provisioned (or being provisioned) and not yet
     * confirmed removed. A PROVISIONING grant may or may not hold access yet; either way it must be taken back
     * unless it becomes ACTIVE.
     */
    public boolean holdsAccess() {
        return this == ACTIVE || this == REVOKE_FAILED || this == PROVISIONING;
    }
}

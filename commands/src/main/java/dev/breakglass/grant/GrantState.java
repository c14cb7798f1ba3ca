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

    /**
     * The state as people read it ("revoke failed"), a named reply worded by the section of
     * {@code templates/reply-state.mustache} named like {@code revokeFailed}.
     */
    public Reply word() {
        return Reply.word("state", this);
    }

    /** What asking to move from this state, or to take an {@link Action} on a grant in it, amounts to. */
    public enum Move {
        /** Go on: the step applies here. */
        PROCEED,
        /** Change nothing and say so politely: a harmless repeat (a second click, a re-fired timer, a late click). */
        NO_OP,
        /** Change nothing and refuse: the step does not apply to a grant here. */
        ILLEGAL
    }

    /**
     * A use case's step on an existing grant, with the states it applies in and the states where asking again is a
     * harmless repeat; in every other state it is illegal. {@link #on} reads this table; the use cases only say the
     * words ({@code Step.unless}). Conditions finer than a state (an extension waiting, a review already written, a
     * window not yet near its end) stay with the use case.
     */
    public enum Action {
        /** A peer approves. Once decided (either way), taken, or timed out, a click changes nothing. */
        APPROVE(EnumSet.of(PENDING), allBut(PENDING)),
        /** A peer denies. As {@link #APPROVE}. */
        DENY(EnumSet.of(PENDING), allBut(PENDING)),
        /** The requester withdraws the request. As {@link #APPROVE}. */
        CANCEL(EnumSet.of(PENDING), allBut(PENDING)),
        /** The pending timeout fires. A request decided in time is left alone. */
        TIME_OUT(EnumSet.of(PENDING), allBut(PENDING)),
        /** The emergency delay passed: offer the solo break glass. A request no longer waiting gets no offer. */
        OFFER_EMERGENCY(EnumSet.of(PENDING), allBut(PENDING)),
        /** The requester breaks the glass. As {@link #APPROVE}. */
        BREAK_GLASS(EnumSet.of(PENDING), allBut(PENDING)),
        /** Provisioning claims an approved grant. A re-fired job finds it claimed or done. */
        PROVISION(EnumSet.of(APPROVED), allBut(APPROVED)),
        /** The warning timer fires. Nothing to warn about once the access is not active. */
        WARN(EnumSet.of(ACTIVE), allBut(ACTIVE)),
        /** The requester asks for more time: only on active access, never a repeat of anything. */
        REQUEST_EXTENSION(EnumSet.of(ACTIVE), EnumSet.noneOf(GrantState.class)),
        /** A peer approves or denies the waiting extension. Once the access ended there is none waiting. */
        DECIDE_EXTENSION(EnumSet.of(ACTIVE), allBut(ACTIVE)),
        /** The requester reveals the credentials: only while active; afterwards they are gone. */
        REVEAL(EnumSet.of(ACTIVE), EnumSet.noneOf(GrantState.class)),
        /**
         * A person ends access early. Where no access is held (never given, or already removed) nothing is left to
         * do; a PROVISIONING grant is taken back by itself unless it becomes active.
         */
        REVOKE(EnumSet.of(ACTIVE, REVOKE_FAILED), allBut(ACTIVE, REVOKE_FAILED)),
        /** The bot takes access back (expiry, retry, rollback) wherever the target may hold it. */
        END_ACCESS(EnumSet.of(PROVISIONING, ACTIVE, REVOKE_FAILED), allBut(PROVISIONING, ACTIVE, REVOKE_FAILED)),
        /** A revoker confirms by hand that a failing revocation is done. */
        RESOLVE(EnumSet.of(REVOKE_FAILED), allBut(REVOKE_FAILED)),
        /** The requester writes the review: once access is confirmed gone; after sign-off it was written. */
        WRITE_REVIEW(EnumSet.of(EXPIRED, REVOKED), EnumSet.of(REVIEWED)),
        /** A reviewer signs the review off: once access is confirmed gone; REVIEWED was signed off already. */
        SIGN_OFF(EnumSet.of(EXPIRED, REVOKED), EnumSet.of(REVIEWED));

        private final Set<GrantState> applies;
        private final Set<GrantState> repeats;

        Action(Set<GrantState> applies, Set<GrantState> repeats) {
            this.applies = applies;
            this.repeats = repeats;
        }

        private static Set<GrantState> allBut(GrantState first, GrantState... rest) {
            return EnumSet.complementOf(EnumSet.of(first, rest));
        }
    }

    /** What taking {@code action} on a grant in this state amounts to, by {@link Action}'s table. */
    public Move on(Action action) {
        if (action.applies.contains(this)) {
            return Move.PROCEED;
        }
        return action.repeats.contains(this) ? Move.NO_OP : Move.ILLEGAL;
    }

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
     * Classifies a requested change: a repeated step ({@code next == this}) is {@link Move#NO_OP},
     * so a second click or a re-fired job is a no-op rather than an error.
     */
    public Move moveTo(GrantState next) {
        if (next == this) {
            return Move.NO_OP;
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

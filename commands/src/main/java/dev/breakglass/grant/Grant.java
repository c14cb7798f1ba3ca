package dev.breakglass.grant;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One request for emergency access and everything decided about it, as stored. Immutable: each transition
 * returns a new copy at the same version; the store bumps the version when it saves
 * (see {@link dev.breakglass.port.GrantStore#update}).
 *
 * <p>Edge cases: {@code approvedBy} lists distinct approvers in the order they approved and never holds the
 * requester; {@code expiresAt} counts from activation, so it is empty until ACTIVE; {@code reason} is the deny
 * reason, the failure or the cancellation note, whichever ended the grant; {@code emergency} marks a solo
 * break-glass (no peer approval), whose review is mandatory; {@code revocation} tracks the removal of access
 * (attempts, the claim of the process working on it, errors); {@code extension} is a pending request for more
 * time; {@code postMortem} is the review once access is gone ({@link PostMortem#NONE} before);
 * {@code stepUpVerified} lists who passed step-up (a second factor) for their part in this grant — the requester for
 * the request or the break glass, each approver for their approval — in the order they did, each once;
 * {@code kind} is the id of the emergency kind the request named (empty where the policy defined none when it was
 * made); it may name a kind the policy no longer has.
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
        Optional<String> kind,
        int approvalsRequired,
        List<String> approvedBy,
        boolean emergency,
        Optional<String> decidedBy,
        Optional<String> reason,
        Optional<String> handle,
        Instant requestedAt,
        Optional<Instant> activatedAt,
        Optional<Instant> expiresAt,
        Instant updatedAt,
        Revocation revocation,
        Optional<Extension> extension,
        PostMortem postMortem,
        Optional<Instant> warnedFor,
        List<String> stepUpVerified) {

    public Grant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(justification, "justification");
        Objects.requireNonNull(incident, "incident");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(decidedBy, "decidedBy");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(activatedAt, "activatedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(revocation, "revocation");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(postMortem, "postMortem");
        Objects.requireNonNull(warnedFor, "warnedFor");
        approvedBy = List.copyOf(approvedBy);
        stepUpVerified = List.copyOf(stepUpVerified.stream().distinct().toList());
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1: " + version);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + duration);
        }
        if (approvalsRequired < 1) {
            throw new IllegalArgumentException("approvalsRequired must be at least 1: " + approvalsRequired);
        }
        if (approvedBy.contains(requester)) {
            throw new IllegalArgumentException("the requester cannot be among the approvers");
        }
        if (approvedBy.stream().distinct().count() != approvedBy.size()) {
            throw new IllegalArgumentException("an approver is listed twice: " + approvedBy);
        }
    }

    /** A new PENDING grant at version 1, as the store creates it. */
    public static Grant pending(GrantId id, NewGrant request) {
        return new Grant(id, 1, GrantState.PENDING, request.requester(), request.target(), request.role(),
                request.duration(), request.justification(), request.incident(), request.kind(), request.approvalsRequired(),
                List.of(), false, Optional.empty(), Optional.empty(), Optional.empty(), request.requestedAt(),
                Optional.empty(), Optional.empty(), request.requestedAt(), Revocation.NONE, Optional.empty(), PostMortem.NONE,
                Optional.empty(), request.stepUpVerified() ? List.of(request.requester()) : List.of());
    }

    /** This grant as a store saved it, at {@code version}. */
    public Grant savedAs(long version) {
        return new Grant(id, version, state, requester, target, role, duration, justification, incident, kind,
                approvalsRequired, approvedBy, emergency, decidedBy, reason, handle, requestedAt, activatedAt,
                expiresAt, updatedAt, revocation, extension, postMortem, warnedFor, stepUpVerified);
    }

    /** True when {@code user} passed step-up for their part in this grant. */
    public boolean stepUpVerifiedBy(String user) {
        return stepUpVerified.contains(user);
    }

    /** {@code user} passed step-up for their part (a no-op when they already had). */
    public Grant withStepUpVerified(String user) {
        if (stepUpVerified.contains(user)) {
            return this;
        }
        List<String> next = new ArrayList<>(stepUpVerified);
        next.add(user);
        return copy().stepUpVerified(next).build();
    }

    // ---------------------------------------------------------------- removing access

    /**
     * A revocation attempt starts: counted, and claimed until {@code leaseUntil} so nobody else starts one. The
     * first early revoke records who asked and why; an expiry records nobody.
     *
     * @throws IllegalStateException unless the grant holds access and no live claim exists
     */
    public Grant revocationClaimed(Optional<String> by, Optional<String> why, Instant now, Instant leaseUntil) {
        if (!state.holdsAccess() || revocation.claimedAt(now)) {
            throw new IllegalStateException(id + " cannot be claimed for revocation now");
        }
        Revocation r = revocation;
        Revocation claimed = new Revocation(r.revokedBy().or(() -> by), r.revokedBy().isPresent() ? r.reason() : why,
                r.attempts() + 1, r.lastError(), Optional.of(leaseUntil), Optional.empty(), Optional.empty());
        return copy().revocation(claimed).updatedAt(now).build();
    }

    /**
     * Provisioning rolls back: the target provisioned access (or may have) but the grant never became ACTIVE.
     * Claimed like a revocation, until {@code leaseUntil}; the handle is kept when known so revoke can find what
     * was made, and the first reason is kept. The caller checks that it owns the grant (its own provisioning lease,
     * or a lease that passed).
     *
     * @throws IllegalStateException unless PROVISIONING
     */
    public Grant rollbackClaimed(Optional<String> madeHandle, String why, Instant now, Instant leaseUntil) {
        requireState(GrantState.PROVISIONING);
        Revocation r = revocation;
        Revocation claimed = new Revocation(Optional.empty(), Optional.empty(), r.attempts() + 1, r.lastError(),
                Optional.of(leaseUntil), Optional.empty(), Optional.empty());
        return copy().revocation(claimed).handle(madeHandle.or(() -> handle)).reason(reason.or(() -> Optional.of(why)))
                .updatedAt(now).build();
    }

    /**
     * Access confirmed removed: ROLLED_BACK when it never became active, else EXPIRED at the end of the window
     * and REVOKED when someone ended it early.
     */
    public Grant revocationSucceeded(Instant now) {
        GrantState end = endState();
        Revocation r = revocation;
        Revocation done = new Revocation(r.revokedBy(), r.reason(), r.attempts(), r.lastError(), Optional.empty(),
                Optional.empty(), Optional.of(now));
        return movedTo(end, now).copy().revocation(done).extension(Optional.empty()).build();
    }

    /** The attempt failed with {@code error}; the next one is due at {@code nextAttempt}. */
    public Grant revocationFailed(String error, Instant nextAttempt, Instant now) {
        Grant failed = state == GrantState.REVOKE_FAILED ? this : movedTo(GrantState.REVOKE_FAILED, now);
        Revocation r = revocation;
        Revocation next = new Revocation(r.revokedBy(), r.reason(), r.attempts(), Optional.of(error), Optional.empty(),
                Optional.of(nextAttempt), Optional.empty());
        return failed.copy().revocation(next).updatedAt(now).build();
    }

    /**
     * A person confirmed the access is gone (cleaned up by hand): REVOKED (ROLLED_BACK when it never became
     * active), retries stop.
     */
    public Grant revocationResolved(String by, String note, Instant now) {
        if (state != GrantState.REVOKE_FAILED) {
            throw new IllegalStateException(id + " is " + state + ", not " + GrantState.REVOKE_FAILED);
        }
        Revocation r = revocation;
        Revocation done = new Revocation(r.revokedBy().or(() -> Optional.of(by)), Optional.of(note), r.attempts(),
                r.lastError(), Optional.empty(), Optional.empty(), Optional.of(now));
        GrantState end = activatedAt.isEmpty() ? GrantState.ROLLED_BACK : GrantState.REVOKED;
        return movedTo(end, now).copy().revocation(done).decidedBy(Optional.of(by)).build();
    }

    /** Where confirmed removal takes this grant: never active → ROLLED_BACK; ended early → REVOKED; else EXPIRED. */
    private GrantState endState() {
        if (activatedAt.isEmpty()) {
            return GrantState.ROLLED_BACK;
        }
        return revocation.revokedBy().isPresent() ? GrantState.REVOKED : GrantState.EXPIRED;
    }

    // ---------------------------------------------------------------- the review

    /**
     * True once access is confirmed gone and until a reviewer signs the review off: EXPIRED or REVOKED, unless the
     * grant ended before post-mortems existed ({@link PostMortem#predatesReviews()}).
     */
    public boolean awaitsReview() {
        return (state == GrantState.EXPIRED || state == GrantState.REVOKED) && !postMortem.predatesReviews();
    }

    /** The post-mortem thread opens at {@code now}; the first reminder is due at {@code firstReminder}, if any. */
    public Grant postMortemOpened(Instant now, Optional<Instant> firstReminder) {
        requireReviewable();
        return copy().postMortem(postMortem.opened(now, firstReminder)).updatedAt(now).build();
    }

    /** A reminder went to the requester at {@code now}; the next is due at {@code next}. */
    public Grant reviewReminded(Instant now, Instant next) {
        requireReviewable();
        return copy().postMortem(postMortem.reminded(next)).updatedAt(now).build();
    }

    /**
     * The requester wrote the review; reminders stop.
     *
     * @throws IllegalStateException unless access is gone, the author is the requester and no review exists yet
     */
    public Grant reviewWritten(Review review) {
        requireReviewable();
        if (!review.author().equals(requester) || postMortem.review().isPresent()) {
            throw new IllegalStateException(review.author() + " cannot write the review of " + id);
        }
        return copy().postMortem(postMortem.written(review)).updatedAt(review.writtenAt()).build();
    }

    /**
     * A reviewer accepted the written review: REVIEWED.
     *
     * @throws IllegalStateException without a written review, or when {@code by} is the requester
     */
    public Grant reviewSignedOff(String by, Instant now) {
        requireReviewable();
        if (postMortem.review().isEmpty() || by.equals(requester)) {
            throw new IllegalStateException(by + " cannot sign off the review of " + id);
        }
        return movedTo(GrantState.REVIEWED, now).copy().postMortem(postMortem.signedOff(new SignOff(by, now))).build();
    }

    private void requireReviewable() {
        if (!awaitsReview()) {
            throw new IllegalStateException(id + " is " + state + ": its access is not confirmed gone");
        }
    }

    /** The requester was warned that the current window ends soon: remembered per end, so it happens once. */
    public Grant warned(Instant now) {
        return copy().warnedFor(expiresAt).updatedAt(now).build();
    }

    /** True when the requester was already warned about the current end (an extension moves the end: warn again). */
    public boolean warnedOfCurrentEnd() {
        return warnedFor.isPresent() && warnedFor.equals(expiresAt);
    }

    // ---------------------------------------------------------------- more time

    /** The requester asks for {@code more} time; it waits for approval. */
    public Grant extensionRequested(Duration more, String why, Instant now) {
        if (state != GrantState.ACTIVE || extension.isPresent()) {
            throw new IllegalStateException(id + " cannot take an extension request now");
        }
        return copy().extension(Optional.of(new Extension(more, why, now, List.of()))).updatedAt(now).build();
    }

    /**
     * One more approval of the pending extension, recorded only: once {@link #extensionApproved()} the extension
     * still has to reach the target (where the access carries its end) before {@link #extended} applies it.
     */
    public Grant extensionApprovedBy(String approver, Instant now) {
        Extension e = extension.orElseThrow(() -> new IllegalStateException(id + " has no extension request"));
        if (state != GrantState.ACTIVE || approver.equals(requester) || e.approvedBy().contains(approver)
                || extensionApproved()) {
            throw new IllegalStateException(approver + " cannot approve the extension of " + id + " (again)");
        }
        List<String> approvers = new ArrayList<>(e.approvedBy());
        approvers.add(approver);
        return copy().extension(Optional.of(new Extension(e.duration(), e.justification(), e.requestedAt(),
                approvers))).updatedAt(now).build();
    }

    /** True when a pending extension has all the approvals it needs (and waits to be applied). */
    public boolean extensionApproved() {
        return extension.map(e -> e.approvedBy().size() >= approvalsRequired).orElse(false);
    }

    /** The end the approved extension moves to: the current end plus the extension (time used is not given back). */
    public Optional<Instant> extendedEnd() {
        return extension.flatMap(e -> expiresAt.map(t -> t.plus(e.duration())));
    }

    /**
     * Applies the approved extension: the window grows by it, the target's new handle (if it gave one) replaces the
     * old, and the extension is cleared.
     */
    public Grant extended(Optional<String> newHandle, Instant now) {
        if (state != GrantState.ACTIVE || !extensionApproved()) {
            throw new IllegalStateException(id + " has no approved extension to apply");
        }
        Duration more = extension.orElseThrow().duration();
        return copy().duration(duration.plus(more)).expiresAt(extendedEnd()).handle(newHandle.or(() -> handle))
                .extension(Optional.empty()).updatedAt(now).build();
    }

    /** The pending extension is refused (or withdrawn); the window stays as it was. */
    public Grant extensionDropped(Instant now) {
        return copy().extension(Optional.empty()).updatedAt(now).build();
    }

    /** How many more distinct approvals the grant needs (0 once approved). */
    public int approvalsMissing() {
        return Math.max(0, approvalsRequired - approvedBy.size());
    }

    /**
     * One more approval. Moves to APPROVED when this was the last one needed, else stays PENDING.
     *
     * @throws IllegalStateException when not PENDING, or {@code approver} is the requester or approved already
     */
    public Grant approvedBy(String approver, Instant now) {
        requireState(GrantState.PENDING);
        if (approver.equals(requester) || approvedBy.contains(approver)) {
            throw new IllegalStateException(approver + " cannot approve " + id + " (again)");
        }
        List<String> next = new ArrayList<>(approvedBy);
        next.add(approver);
        GrantState state = next.size() >= approvalsRequired ? GrantState.APPROVED : GrantState.PENDING;
        return copy().state(state).approvedBy(next).updatedAt(now).build();
    }

    /** Denied by {@code approver} for {@code reason}. */
    public Grant denied(String approver, String reason, Instant now) {
        return movedTo(GrantState.DENIED, now).copy().decidedBy(Optional.of(approver)).reason(Optional.of(reason)).build();
    }

    /** Withdrawn by the requester. */
    public Grant cancelled(Instant now) {
        return movedTo(GrantState.CANCELLED, now).copy().decidedBy(Optional.of(requester)).build();
    }

    /** No decision in time. */
    public Grant timedOut(Instant now) {
        return movedTo(GrantState.TIMED_OUT, now);
    }

    /**
     * The requester broke the glass alone: APPROVED without peers, flagged emergency, its window capped at
     * {@code maxDuration}.
     */
    public Grant brokenGlass(Duration maxDuration, Instant now) {
        Duration capped = duration.compareTo(maxDuration) > 0 ? maxDuration : duration;
        return movedTo(GrantState.APPROVED, now).copy().emergency(true).duration(capped)
                .decidedBy(Optional.of(requester)).build();
    }

    /**
     * The adapter is about to be asked: PROVISIONING, held by the asking process until {@code leaseUntil} (kept in
     * {@link Revocation#leaseUntil()}, the one claim mechanism). A PROVISIONING grant whose lease passed was
     * abandoned by a dead process and is rolled back.
     */
    public Grant provisioningStarted(Instant now, Instant leaseUntil) {
        return movedTo(GrantState.PROVISIONING, now).copy().revocation(new Revocation(Optional.empty(),
                Optional.empty(), 0, Optional.empty(), Optional.of(leaseUntil), Optional.empty(), Optional.empty()))
                .build();
    }

    /**
     * Access provisioned at {@code now} (when the adapter was asked): the window starts now and ends after
     * {@link #duration}. The provisioning lease is released.
     */
    public Grant activated(String handle, Instant now) {
        return movedTo(GrantState.ACTIVE, now).copy().handle(Optional.of(handle)).revocation(Revocation.NONE)
                .activatedAt(Optional.of(now)).expiresAt(Optional.of(now.plus(duration))).build();
    }

    /** Provisioning failed for {@code reason}; nothing was left behind on the target. The lease is released. */
    public Grant failed(String reason, Instant now) {
        return movedTo(GrantState.FAILED, now).copy().reason(Optional.of(reason)).revocation(Revocation.NONE).build();
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
        return copy().state(next).updatedAt(now).build();
    }

    private void requireState(GrantState expected) {
        if (state != expected) {
            throw new IllegalStateException(id + " is " + state + ", not " + expected);
        }
    }

    private Copy copy() {
        return new Copy(this);
    }

    /** Field-by-field copy for the transitions above; keeps each transition one readable line. */
    private static final class Copy {
        private final Grant g;
        private GrantState state;
        private Duration duration;
        private List<String> approvedBy;
        private boolean emergency;
        private Optional<String> decidedBy;
        private Optional<String> reason;
        private Optional<String> handle;
        private Optional<Instant> activatedAt;
        private Optional<Instant> expiresAt;
        private Instant updatedAt;
        private Revocation revocation;
        private Optional<Extension> extension;
        private Optional<Instant> warnedFor;
        private PostMortem postMortem;
        private List<String> stepUpVerified;

        Copy(Grant g) {
            this.g = g;
            state = g.state;
            duration = g.duration;
            approvedBy = g.approvedBy;
            emergency = g.emergency;
            decidedBy = g.decidedBy;
            reason = g.reason;
            handle = g.handle;
            activatedAt = g.activatedAt;
            expiresAt = g.expiresAt;
            updatedAt = g.updatedAt;
            revocation = g.revocation;
            extension = g.extension;
            postMortem = g.postMortem;
            warnedFor = g.warnedFor;
            stepUpVerified = g.stepUpVerified;
        }

        Copy state(GrantState v) { state = v; return this; }
        Copy duration(Duration v) { duration = v; return this; }
        Copy approvedBy(List<String> v) { approvedBy = v; return this; }
        Copy emergency(boolean v) { emergency = v; return this; }
        Copy decidedBy(Optional<String> v) { decidedBy = v; return this; }
        Copy reason(Optional<String> v) { reason = v; return this; }
        Copy handle(Optional<String> v) { handle = v; return this; }
        Copy activatedAt(Optional<Instant> v) { activatedAt = v; return this; }
        Copy expiresAt(Optional<Instant> v) { expiresAt = v; return this; }
        Copy updatedAt(Instant v) { updatedAt = v; return this; }
        Copy revocation(Revocation v) { revocation = v; return this; }
        Copy extension(Optional<Extension> v) { extension = v; return this; }
        Copy postMortem(PostMortem v) { postMortem = v; return this; }
        Copy warnedFor(Optional<Instant> v) { warnedFor = v; return this; }
        Copy stepUpVerified(List<String> v) { stepUpVerified = v; return this; }

        Grant build() {
            return new Grant(g.id, g.version, state, g.requester, g.target, g.role, duration, g.justification,
                    g.incident, g.kind, g.approvalsRequired, approvedBy, emergency, decidedBy, reason, handle, g.requestedAt,
                    activatedAt, expiresAt, updatedAt, revocation, extension, postMortem, warnedFor, stepUpVerified);
        }
    }
}

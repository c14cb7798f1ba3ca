package dev.breakglass.event;

import dev.breakglass.grant.Grant;

/**
 * One saved change to a grant. {@link #grant()} is the grant as saved by that change (its new version), so a
 * listener never has to read it again; {@link #actor()} is who caused it.
 *
 * <p>Events a person may or may not cause carry their {@link Actor} as {@code by}. One stored before events carried
 * it reads with none and takes the actor it was told with before: the requester for what only a requester does, the
 * revoker the grant records for {@link Revoked} (the bot when none is recorded).
 */
public sealed interface GrantEvent {

    /** The grant right after this change. */
    Grant grant();

    /**
     * Who caused this change: the person the event names, or the bot for the work it does on its own. Exhaustive,
     * so a new event does not compile until it says who causes it.
     */
    default Actor actor() {
        return switch (this) {
            case Requested e -> e.by();
            case ApprovalRecorded e -> Actor.person(e.approver());
            case Approved e -> Actor.person(e.approver());
            case Denied e -> Actor.person(e.approver());
            case Cancelled e -> e.by();
            case TimedOut e -> Actor.bot("pending timeout");
            case EmergencyOffered e -> Actor.bot("emergency delay");
            case GlassBroken e -> e.by();
            case Activated e -> Actor.bot("provisioning");
            case ProvisioningFailed e -> Actor.bot("provisioning");
            case CredentialsRevealed e -> Actor.person(e.by());
            case RolledBack e -> Actor.bot("provisioning rollback");
            case ExpiryWarned e -> Actor.bot("expiry warning");
            case ExtensionRequested e -> e.by();
            case ExtensionApprovalRecorded e -> Actor.person(e.approver());
            case Extended e -> Actor.person(e.approver());
            case ExtensionFailed e -> Actor.bot("extension at the target");
            case ExtensionDenied e -> Actor.person(e.approver());
            case Expired e -> Actor.bot("expiry");
            case Revoked e -> e.by();
            case RevocationFailed e -> Actor.bot("revocation");
            case RevocationRecovered e -> Actor.bot("revocation retry");
            case RevocationResolved e -> Actor.person(e.by());
            case PostMortemOpened e -> Actor.bot("post-mortem");
            case ReviewReminded e -> Actor.bot("review reminder");
            case ReviewWritten e -> e.by();
            case Reviewed e -> Actor.person(e.by());
        };
    }

    /** {@code by}, or the requester of {@code grant} for an event stored before events said who caused them. */
    private static Actor requesterUnlessTold(Actor by, Grant grant) {
        return by != null ? by : Actor.person(grant.requester());
    }

    /** A responder asked for access; the request waits for approval. */
    record Requested(Grant grant, Actor by) implements GrantEvent {
        public Requested {
            by = requesterUnlessTold(by, grant);
        }
    }

    /** A peer approved, but more approvals are needed. */
    record ApprovalRecorded(Grant grant, String approver) implements GrantEvent {}

    /** The last needed peer approved; provisioning follows. */
    record Approved(Grant grant, String approver) implements GrantEvent {}

    /** A peer refused, with a reason. */
    record Denied(Grant grant, String approver, String reason) implements GrantEvent {}

    /** The requester withdrew the request. */
    record Cancelled(Grant grant, Actor by) implements GrantEvent {
        public Cancelled {
            by = requesterUnlessTold(by, grant);
        }
    }

    /** Nobody decided within the policy's pending timeout. */
    record TimedOut(Grant grant) implements GrantEvent {}

    /** No decision within the emergency delay: the requester may now break the glass alone. */
    record EmergencyOffered(Grant grant) implements GrantEvent {}

    /** The requester broke the glass alone: approved without peers, loudly, review mandatory. */
    record GlassBroken(Grant grant, Actor by) implements GrantEvent {
        public GlassBroken {
            by = requesterUnlessTold(by, grant);
        }
    }

    /**
     * The target provisioned the access; the window runs from now.
     *
     * @param credentialsFingerprint the issued credentials' {@link dev.breakglass.port.Credentials#fingerprint()},
     *                               empty when the target issued none (never the credentials themselves)
     */
    record Activated(Grant grant, java.util.Optional<String> credentialsFingerprint) implements GrantEvent {
        public boolean credentialsIssued() {
            return credentialsFingerprint.isPresent();
        }
    }

    /** The target could not provision the access; nothing was left behind. */
    record ProvisioningFailed(Grant grant, String reason) implements GrantEvent {}

    /**
     * The requester saw the credentials: the chat accepted the view that shows them. Not a state change; never
     * carries the credentials.
     *
     * @param by        who saw them (the requester)
     * @param at        when
     * @param remaining how many more reveals the policy allows
     */
    record CredentialsRevealed(Grant grant, String by, java.time.Instant at, int remaining) implements GrantEvent {}

    /**
     * The target had provisioned the access but the grant never became active (its credentials could not be
     * stored, the save failed, or the process stopped), and the access was taken back and confirmed removed.
     * Nothing was handed to the requester. A rollback whose revoke fails is a {@link RevocationFailed} first.
     *
     * @param reason what went wrong after the target answered; never a secret
     */
    record RolledBack(Grant grant, String reason) implements GrantEvent {}

    /** The window ends soon: the requester may extend or finish early. */
    record ExpiryWarned(Grant grant) implements GrantEvent {}

    /** The requester asked for more time; peers decide. */
    record ExtensionRequested(Grant grant, Actor by) implements GrantEvent {
        public ExtensionRequested {
            by = requesterUnlessTold(by, grant);
        }
    }

    /** A peer approved the extension, but more approvals are needed. */
    record ExtensionApprovalRecorded(Grant grant, String approver) implements GrantEvent {}

    /**
     * The window grew by {@code added}, at the target too. {@code credentialsFingerprint} is present when the target
     * issued new credentials for the new window (to reveal like the first); never the credentials.
     */
    record Extended(Grant grant, String approver, java.time.Duration added,
                    java.util.Optional<String> credentialsFingerprint) implements GrantEvent {}

    /** The extension was approved but the target could not move the end: the old end stays in force. */
    record ExtensionFailed(Grant grant, String error) implements GrantEvent {}

    /** A peer refused the extension; the window is unchanged. */
    record ExtensionDenied(Grant grant, String approver, String reason) implements GrantEvent {}

    /**
     * Access was removed at the end of its window.
     *
     * @param lag how long after {@code expires_at} the target confirmed the removal (revoke and verify answered;
     *            zero or more), so a slow revoke counts in full
     */
    record Expired(Grant grant, java.time.Duration lag) implements GrantEvent {}

    /** Access was removed early, by the person recorded in the grant's revocation. */
    record Revoked(Grant grant, Actor by) implements GrantEvent {
        public Revoked {
            by = by != null ? by : revokerOf(grant);
        }

        /** Revoked by whoever the grant's revocation records (the bot when nobody is recorded). */
        public static Revoked of(Grant grant) {
            return new Revoked(grant, revokerOf(grant));
        }

        private static Actor revokerOf(Grant grant) {
            return grant.revocation().revokedBy().map(Actor::person).orElse(Actor.bot("revocation"));
        }
    }

    /** A revocation attempt failed; it will be retried. {@code first} marks the first failure of this grant. */
    record RevocationFailed(Grant grant, int attempt, String error, boolean first) implements GrantEvent {}

    /** Access was finally removed after failed attempts. */
    record RevocationRecovered(Grant grant) implements GrantEvent {}

    /** A person confirmed by hand that the access is gone; retries stopped. */
    record RevocationResolved(Grant grant, String by) implements GrantEvent {}

    /** Access is gone: the post-mortem opens (timeline and questions), for the requester to answer. */
    record PostMortemOpened(Grant grant) implements GrantEvent {}

    /**
     * The review is still unwritten: reminder {@code number} (from 1) to the requester; {@code escalated} once
     * more than the policy's {@code escalate-after} reminders went unanswered, so the notify channels hear too.
     */
    record ReviewReminded(Grant grant, int number, boolean escalated) implements GrantEvent {}

    /** The requester wrote the review (in {@code grant().postMortem().review()}); a reviewer signs it off next. */
    record ReviewWritten(Grant grant, Actor by) implements GrantEvent {
        public ReviewWritten {
            by = requesterUnlessTold(by, grant);
        }
    }

    /** A reviewer signed the review off: the grant is REVIEWED, its story complete. */
    record Reviewed(Grant grant, String by) implements GrantEvent {}
}

package dev.breakglass.grant;

import dev.breakglass.command.DurationText;
import dev.breakglass.command.FreeText;
import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.GrantState.Action;
import dev.breakglass.grant.Outcome.Field;
import dev.breakglass.policy.EmergencyPolicy;
import dev.breakglass.policy.Permission;
import dev.breakglass.policy.Permissions.Act;
import dev.breakglass.policy.Permissions;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.StepUpPolicy;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.CredentialVault;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.GrantScheduler;
import dev.breakglass.port.GrantStore;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import dev.breakglass.port.TargetRegistry;
import dev.breakglass.stepup.StepUpProof;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

import static dev.breakglass.grant.Reply.person;

/**
 * More time on active access: the requester asks ({@link #requestExtension}), peers approve or deny like the request
 * itself, and an approved extension moves the end at the target first where the target's access carries its end
 * ({@link #extendAtTarget}), then the grant's window and its warning and expiry timers.
 *
 * <p>Every change goes through {@link GrantChanges}: a compare-and-set on the grant's version, read again and decided
 * again on a lost race, so two people clicking at once, in one process or two, give one outcome. Whether a step
 * applies, repeats harmlessly ({@link Outcome.Unchanged}) or is illegal ({@link Outcome.Refused}) is the
 * {@link GrantState.Action} table's; who may is {@link Permissions}'. A change's events are saved with it.
 *
 * <p>Step-up: where the policy asks for a second factor ({@link Policy#stepUpRequired}), extend and approve extension
 * count only with a {@link StepUpProof} of the person acting, fresh from {@code StepUpService.verify}; without one they
 * are refused (field {@link Field#STEP_UP}) and nothing changes. The forms without a proof parameter pass none. Who
 * passed is recorded on the grant ({@link Grant#stepUpVerified()}).
 */
public final class ExtensionService {
    private final GrantStore store;
    private final Policy policy;
    private final Permissions permissions;
    private final TargetRegistry targets;
    private final CredentialVault vault;
    private final GrantScheduler scheduler;
    private final Clock clock;
    private final GrantChanges changes;
    private final StepUpGuard stepUp;
    private final WindowTimers window;

    public ExtensionService(GrantStore store, Policy policy, Permissions permissions, TargetRegistry targets,
                            CredentialVault vault, GrantScheduler scheduler, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.permissions = permissions;
        this.targets = targets;
        this.vault = vault;
        this.scheduler = scheduler;
        this.clock = clock;
        this.changes = new GrantChanges(store);
        this.stepUp = new StepUpGuard(policy, clock);
        this.window = new WindowTimers(policy, scheduler);
    }

    /**
     * The requester asks for more time on an active grant: a justification, and a total that stays within the
     * target's maximum (the emergency maximum for an emergency grant). Approved like the request itself.
     */
    public Outcome requestExtension(GrantId id, String user, Duration more, String justification) {
        return requestExtension(id, user, more, justification, Optional.empty());
    }

    /** {@link #requestExtension(GrantId, String, Duration, String)} with the requester's step-up proof. */
    public Outcome requestExtension(GrantId id, String user, Duration more, String justification,
                                    Optional<StepUpProof> proof) {
        String why = justification == null ? "" : justification.strip();
        Optional<Reply> problem = policy.justification().problem(why);
        if (problem.isPresent()) {
            return Words.refused(Field.JUSTIFICATION, problem.get());
        }
        return changes.change(id, grant -> {
            if (permissions.may(Act.EXTEND, grant, user) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            Optional<Step> notNow = Step.unless(grant, Action.REQUEST_EXTENSION, g -> Reply.named("extension.notActive",
                    "id", g.id(), "state", g.state().word()));
            if (notNow.isPresent()) {
                return notNow.get();
            }
            if (grant.extension().isPresent()) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.named("extension.alreadyWaiting",
                        "id", grant.id())));
            }
            if (extending(grant) == Extending.UNSUPPORTED) {
                return Step.stop(new Outcome.Refused(Reply.named("extension.fixedEnd",
                        "target", grant.target(), "id", grant.id())));
            }
            TargetPolicy target = targetOf(grant);
            // The tightest of the target's maximum, the solo break glass's and the emergency kind's.
            Duration cap = grant.emergency() ? target.emergency().map(EmergencyPolicy::maxDuration)
                    .orElse(target.maxDuration()) : target.maxDuration();
            Duration kindCap = grant.kind().flatMap(policy::kind).map(k -> k.maxDurationOn(target))
                    .orElse(target.maxDuration());
            cap = kindCap.compareTo(cap) < 0 ? kindCap : cap;
            Duration total = grant.duration().plus(more);
            if (total.compareTo(cap) > 0) {
                return Step.stop(new Outcome.Refused(Reply.named("extension.tooLong",
                        "id", grant.id(), "more", DurationText.format(more), "total", DurationText.format(total),
                        "target", grant.target(), "max", DurationText.format(cap), "left",
                        DurationText.format(cap.minus(grant.duration()).isNegative() ? Duration.ZERO
                                : cap.minus(grant.duration()))), Optional.of(Field.DURATION)));
            }
            Optional<Outcome> noStepUp = stepUp.missing(grant.target(), StepUpPolicy.Action.EXTEND, user, proof,
                    Reply.named("stepUp.extending", "id", grant.id()));
            if (noStepUp.isPresent()) {
                return Step.stop(noStepUp.get());
            }
            return Step.save(stepUp.verified(grant.extensionRequested(more, why, clock.instant()), user, proof),
                    saved -> new GrantEvent.ExtensionRequested(saved, Actor.person(user)),
                    Reply.named("extension.asked", "more", DurationText.format(more), "id", grant.id(),
                            "approvals", grant.approvalsRequired(), "oneApproval", grant.approvalsRequired() == 1), saved -> { });
        });
    }

    /**
     * A peer approves the pending extension. With enough approvals: where the target's access has no built-in end
     * the window grows and its timers move at once; where it carries its end, the approval is saved and
     * {@link #extendAtTarget} moves the end at the target first ({@link GrantScheduler.Due#EXTEND}).
     */
    public Outcome approveExtension(GrantId id, String approver) {
        return approveExtension(id, approver, Optional.empty());
    }

    /** {@link #approveExtension(GrantId, String)} with the approver's step-up proof. */
    public Outcome approveExtension(GrantId id, String approver, Optional<StepUpProof> proof) {
        return changes.change(id, grant -> {
            Optional<Outcome> no = extensionDecisionRefused(grant, approver);
            if (no.isPresent()) {
                return Step.stop(no.get());
            }
            if (grant.extension().get().approvedBy().contains(approver)) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.named("extension.alreadyApproved")));
            }
            if (grant.extensionApproved()) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.named("extension.beingApplied",
                        "id", grant.id())));
            }
            Optional<Outcome> noStepUp = stepUp.missing(grant.target(), StepUpPolicy.Action.APPROVE_EXTENSION, approver,
                    proof, Reply.named("stepUp.approvingMoreTimeOn", "id", grant.id()));
            if (noStepUp.isPresent()) {
                return Step.stop(noStepUp.get());
            }
            Duration added = grant.extension().get().duration();
            Grant next = stepUp.verified(grant.extensionApprovedBy(approver, clock.instant()), approver, proof);
            if (!next.extensionApproved()) {
                return Step.save(next, saved -> new GrantEvent.ExtensionApprovalRecorded(saved, approver),
                        Reply.named("extension.approvalRecorded", "id", grant.id()),
                        saved -> { });
            }
            if (extending(grant) == Extending.MOVES_THE_END) {
                return Step.save(next, saved -> new GrantEvent.ExtensionApprovalRecorded(saved, approver),
                        Reply.named("extension.approvedMoving", "added", DurationText.format(added),
                                "id", grant.id(), "target", grant.target()),
                        saved -> scheduler.schedule(saved.id(), GrantScheduler.Due.EXTEND, clock.instant()));
            }
            return Step.save(next.extended(Optional.empty(), clock.instant()),
                    saved -> new GrantEvent.Extended(saved, approver, added, Optional.empty()),
                    Reply.named("extension.approved", "added", DurationText.format(added), "id", grant.id()),
                    window::schedule);
        });
    }

    /**
     * Moves the end of an approved extension at the target ({@link TargetAdapter#extend}), then the grant's window
     * and timers; new credentials the target issued (a certificate for the new window) are sealed for the
     * requester to reveal. When the target fails, the extension is dropped and the old end stays in force
     * ({@link GrantEvent.ExtensionFailed}). Idempotent: a grant with no approved extension is left alone, and
     * adapters take a repeated extend to the same end (after a crash) in their stride.
     */
    public Outcome extendAtTarget(GrantId id) {
        Optional<Grant> found = store.find(id);
        if (found.isEmpty()) {
            return new Outcome.Refused(Reply.named("grant.notFound", "id", id));
        }
        Grant grant = found.get();
        if (grant.state() != GrantState.ACTIVE || !grant.extensionApproved() || grant.extendedEnd().isEmpty()
                || grant.revocation().revokedBy().isPresent()) {
            return new Outcome.Unchanged(grant, Reply.named("extension.nothingToApply", "id", grant.id()));
        }
        Instant newEnd = grant.extendedEnd().get();
        Duration added = grant.extension().get().duration();
        String approver = grant.extension().get().approvedBy().get(grant.extension().get().approvedBy().size() - 1);
        Optional<TargetAdapter> adapter = targets.adapter(grant.target());
        Provisioned moved;
        try {
            if (adapter.isEmpty()) {
                throw new TargetException("the target " + grant.target() + " is no longer configured");
            }
            Provisioned current = new Provisioned(new GrantRequest(grant.id(), grant.target(), grant.role(),
                    grant.requester(), Optional.empty(), grant.expiresAt().orElseThrow(), grant.justification()),
                    grant.handle().orElse("{}"), Optional.empty());
            moved = adapter.get().extend(current, newEnd);
        } catch (TargetException | RuntimeException e) {
            String why = e instanceof TargetException && e.getMessage() != null ? e.getMessage()
                    : "the " + grant.target() + " adapter failed unexpectedly (" + e.getClass().getSimpleName() + ")";
            return changes.change(id, g -> g.state() != GrantState.ACTIVE || !g.extensionApproved()
                    ? Step.stop(new Outcome.Unchanged(g, Reply.named("grant.changedMeanwhile", "id", g.id())))
                    : Step.save(g.extensionDropped(clock.instant()), saved -> new GrantEvent.ExtensionFailed(saved, why),
                    Reply.named("extension.failed", "id", g.id(), "target", g.target(),
                            "why", why), saved -> { }));
        }
        moved.credentials().ifPresent(c -> vault.seal(grant.id(), c));
        Optional<String> fingerprint = moved.credentials().map(c -> c.fingerprint());
        Optional<String> handle = Optional.of(moved.handle()).filter(h -> !h.equals(grant.handle().orElse(null)));
        return changes.change(id, g -> g.state() != GrantState.ACTIVE || !g.extensionApproved()
                ? Step.stop(new Outcome.Unchanged(g, Reply.named("grant.changedMeanwhile", "id", g.id())))
                : Step.save(g.extended(handle, clock.instant()),
                saved -> new GrantEvent.Extended(saved, approver, added, fingerprint),
                Reply.named("extension.extended", "id", g.id(), "added", DurationText.format(added),
                        "target", g.target()),
                window::schedule));
    }

    private Extending extending(Grant grant) {
        return targets.adapter(grant.target()).map(TargetAdapter::extending).orElse(Extending.UNSUPPORTED);
    }

    /** A peer refuses the pending extension, with a reason the requester sees. */
    public Outcome denyExtension(GrantId id, String approver, String reason) {
        String why = FreeText.strip(reason);
        Optional<Reply> problem = FreeText.DENY_REASON.problem(why);
        if (problem.isPresent()) {
            return Words.refused(null, problem.get());
        }
        return changes.change(id, grant -> {
            Optional<Outcome> no = extensionDecisionRefused(grant, approver);
            if (no.isPresent()) {
                return Step.stop(no.get());
            }
            return Step.save(grant.extensionDropped(clock.instant()),
                    saved -> new GrantEvent.ExtensionDenied(saved, approver, why),
                    Reply.named("extension.denied", "id", grant.id()), saved -> { });
        });
    }

    private Optional<Outcome> extensionDecisionRefused(Grant grant, String approver) {
        Function<Grant, Reply> noneWaiting = g -> Reply.named("extension.noneWaiting", "id", g.id());
        Optional<Outcome> notNow = Step.whyNot(grant, Action.DECIDE_EXTENSION, noneWaiting);
        if (notNow.isPresent() || grant.extension().isEmpty()) {
            return notNow.or(() -> Optional.of(new Outcome.Unchanged(grant, noneWaiting.apply(grant))));
        }
        return permissions.may(Act.DECIDE_EXTENSION, grant, approver) instanceof Permission.Refused no
                ? Optional.of(new Outcome.Refused(no.reply())) : Optional.empty();
    }

    private TargetPolicy targetOf(Grant grant) {
        return policy.target(grant.target()).orElse(null);
    }
}

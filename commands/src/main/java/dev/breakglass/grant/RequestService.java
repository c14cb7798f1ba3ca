package dev.breakglass.grant;

import dev.breakglass.command.DurationText;
import dev.breakglass.command.FreeText;
import dev.breakglass.command.Text;
import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.GrantState.Action;
import dev.breakglass.grant.Outcome.Field;
import dev.breakglass.policy.EmergencyKind;
import dev.breakglass.policy.EmergencyPolicy;
import dev.breakglass.policy.Permission;
import dev.breakglass.policy.Permissions.Act;
import dev.breakglass.policy.Permissions;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.StepUpPolicy;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.GrantScheduler;
import dev.breakglass.port.GrantStore;
import dev.breakglass.stepup.StepUpProof;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static dev.breakglass.grant.Reply.person;

/**
 * Requesting and deciding: a responder asks ({@link #request}), peers approve or deny, the requester cancels or,
 * where the target has an emergency rule and nobody decided in time, breaks the glass alone; the pending timeout
 * and the emergency offer are the timers of a request. An approval that completes schedules provisioning
 * ({@code AccessService.provision}); only the saver of APPROVED does, so a grant is provisioned once.
 *
 * <p>Every change goes through {@link GrantChanges}: a compare-and-set on the grant's version, read again and decided
 * again on a lost race, so two people clicking at once, in one process or two, give one outcome. Whether a step
 * applies, repeats harmlessly ({@link Outcome.Unchanged}) or is illegal ({@link Outcome.Refused}) is the
 * {@link GrantState.Action} table's; who may is {@link Permissions}'. A change's events are saved with it.
 *
 * <p>Step-up: where the policy asks for a second factor ({@link Policy#stepUpRequired}), request, approve and break
 * glass count only with a {@link StepUpProof} of the person acting, fresh from {@code StepUpService.verify}; without
 * one they are refused (field {@link Field#STEP_UP}) and nothing changes. The forms without a proof parameter pass
 * none. Who passed is recorded on the grant ({@link Grant#stepUpVerified()}).
 */
public final class RequestService {
    /** Longest incident reference kept, in characters. */
    public static final int MAX_INCIDENT_LENGTH = FreeText.INCIDENT.maxLength();
    /** Longest deny reason, in characters. */
    public static final int MAX_REASON_LENGTH = FreeText.DENY_REASON.maxLength();

    private final GrantStore store;
    private final Policy policy;
    private final Permissions permissions;
    private final GrantScheduler scheduler;
    private final Clock clock;
    private final GrantChanges changes;
    private final StepUpGuard stepUp;

    public RequestService(GrantStore store, Policy policy, Permissions permissions, GrantScheduler scheduler,
                          Clock clock) {
        this.store = store;
        this.policy = policy;
        this.permissions = permissions;
        this.scheduler = scheduler;
        this.clock = clock;
        this.changes = new GrantChanges(store);
        this.stepUp = new StepUpGuard(policy, clock);
    }

    /**
     * A new request, checked against the target's policy: target known, requester allowed, role known (or the
     * default), duration within min and max (or the default), justification within the rules, incident short.
     */
    public Outcome request(String requester, RequestDraft draft) {
        return request(requester, draft, Optional.empty());
    }

    /** {@link #request(String, RequestDraft)} with the requester's step-up proof, when they passed step-up. */
    public Outcome request(String requester, RequestDraft draft, Optional<StepUpProof> proof) {
        Optional<TargetPolicy> found = policy.target(draft.target());
        if (found.isEmpty()) {
            return Words.refused(Field.TARGET, Reply.named("request.noSuchTarget", "target", draft.target(),
                    "targets", requestableNames(requester), "noTargets", requestableNames(requester).isEmpty()));
        }
        TargetPolicy target = found.get();
        if (permissions.mayRequest(target, requester) instanceof Permission.Refused no) {
            return new Outcome.Refused(no.reply(), Optional.of(Field.TARGET));
        }
        Optional<Outcome> noStepUp = stepUp.missing(target.name(), StepUpPolicy.Action.REQUEST, requester, proof,
                Reply.named("stepUp.requestsFor", "target", target.name()));
        if (noStepUp.isPresent()) {
            return noStepUp.get();
        }
        Optional<EmergencyKind> kind;
        switch (kindOf(target, requester, draft.kind())) {
            case KindCheck.Refused refused -> {
                return refused.outcome();
            }
            case KindCheck.Named named -> kind = named.kind();
        }
        Optional<String> role = draft.role().isPresent() ? draft.role() : target.defaultRole();
        if (draft.role().isPresent() && !target.hasRole(draft.role().get())) {
            return Words.refused(Field.ROLE, Reply.named("request.noSuchRole", "target", target.name(),
                    "role", draft.role().get(), "roles", String.join(", ", target.roles()),
                    "noRoles", target.roles().isEmpty()));
        }
        Duration duration = draft.duration().orElse(target.defaultDuration());
        Duration max = kind.map(k -> k.maxDurationOn(target)).orElse(target.maxDuration());
        if (duration.compareTo(max) > 0) {
            return Words.refused(Field.DURATION, Reply.named("request.tooLong", "duration",
                    DurationText.format(duration), "target", target.name(), "max", DurationText.format(max),
                    "kind", max.equals(target.maxDuration()) ? "" : kind.get().title()));
        }
        if (duration.compareTo(target.minDuration()) < 0) {
            return Words.refused(Field.DURATION, Reply.named("request.tooShort", "duration",
                    DurationText.format(duration), "target", target.name(), "min", DurationText.format(target.minDuration())));
        }
        String justification = draft.justification().strip();
        Optional<Reply> problem = policy.justification().problem(justification);
        if (problem.isPresent()) {
            return Words.refused(Field.JUSTIFICATION, problem.get());
        }
        Optional<String> incident = Words.optional(draft.incident());
        Optional<Reply> incidentProblem = incident.flatMap(FreeText.INCIDENT::problem);
        if (incidentProblem.isPresent()) {
            return Words.refused(Field.INCIDENT, incidentProblem.get());
        }
        if (kind.isPresent() && !kind.get().accepts(incident)) {
            return Words.refused(Field.INCIDENT, Reply.named("request.badReference", "kind", kind.get().title(),
                    "pattern", kind.get().reference().orElseThrow(), "given", incident.map(Text::quote).orElse("")));
        }
        int approvals = kind.map(k -> k.approvalsOn(target)).orElse(target.approvals());
        Instant now = clock.instant();
        int recent = store.countRequestedSince(requester, now.minus(Duration.ofHours(1)));
        if (recent >= policy.requestsPerHour()) {
            return Words.refused(null, Reply.named("request.tooMany", "recent", recent));
        }
        Grant grant = store.create(new NewGrant(requester, target.name(), role, duration, justification, incident,
                approvals, now, proof.filter(p -> p.vouchesFor(requester, now)).isPresent(), kind.map(EmergencyKind::id)),
                created -> List.of(new GrantEvent.Requested(created, Actor.person(requester))));
        scheduler.schedule(grant.id(), GrantScheduler.Due.PENDING_TIMEOUT, now.plus(policy.pendingTimeout()));
        target.emergency().ifPresent(e ->
                scheduler.schedule(grant.id(), GrantScheduler.Due.EMERGENCY_OFFER, now.plus(e.after())));
        return new Outcome.Done(grant, Reply.named("request.requested", "id", grant.id(),
                "target", target.name(), "role", role.orElse(""), "hasRole", role.isPresent(),
                "duration", DurationText.format(duration), "approvals", approvals, "oneApproval", approvals == 1,
                "kind", kind.map(EmergencyKind::title).orElse("")));
    }

    /** An approval by {@code approver}; provisioning starts once enough distinct peers approved. */
    public Outcome approve(GrantId id, String approver) {
        return approve(id, approver, Optional.empty());
    }

    /** {@link #approve(GrantId, String)} with the approver's step-up proof, when they passed step-up. */
    public Outcome approve(GrantId id, String approver, Optional<StepUpProof> proof) {
        return changes.change(id, Action.APPROVE, RequestService::settled, grant -> {
            if (permissions.may(Act.APPROVE, grant, approver) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            if (grant.approvedBy().contains(approver)) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.named("request.alreadyApproved",
                        "id", grant.id(), "missing", grant.approvalsMissing(),
                        "oneMissing", grant.approvalsMissing() == 1)));
            }
            Optional<Outcome> noStepUp = stepUp.missing(grant.target(), StepUpPolicy.Action.APPROVE, approver, proof,
                    Reply.named("stepUp.approvingGrant", "id", grant.id()));
            if (noStepUp.isPresent()) {
                return Step.stop(noStepUp.get());
            }
            Grant next = stepUp.verified(grant.approvedBy(approver, clock.instant()), approver, proof);
            if (next.state() == GrantState.APPROVED) {
                return Step.save(next, saved -> new GrantEvent.Approved(saved, approver),
                        Reply.named("request.approved", "id", grant.id()),
                        saved -> scheduler.schedule(saved.id(), GrantScheduler.Due.PROVISION, clock.instant()));
            }
            return Step.save(next, saved -> new GrantEvent.ApprovalRecorded(saved, approver),
                    Reply.named("request.approvalRecorded", "id", grant.id(),
                            "missing", next.approvalsMissing(), "oneMissing", next.approvalsMissing() == 1), saved -> { });
        });
    }

    /** A refusal by an approver, with the reason shown to the requester. */
    public Outcome deny(GrantId id, String approver, String reason) {
        String why = FreeText.strip(reason);
        Optional<Reply> problem = FreeText.DENY_REASON.problem(why);
        if (problem.isPresent()) {
            return Words.refused(null, problem.get());
        }
        return changes.change(id, Action.DENY, RequestService::settled, grant -> {
            if (permissions.may(Act.DENY, grant, approver) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            return Step.save(grant.denied(approver, why, clock.instant()),
                    saved -> new GrantEvent.Denied(saved, approver, why),
                    Reply.named("request.denied", "id", grant.id()), saved -> { });
        });
    }

    /** The requester withdraws a pending request. */
    public Outcome cancel(GrantId id, String user) {
        return changes.change(id, grant -> {
            if (permissions.may(Act.CANCEL, grant, user) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            Optional<Step> notNow = Step.unless(grant, Action.CANCEL, g -> g.state() == GrantState.CANCELLED
                    ? Reply.named("request.alreadyCancelled", "id", g.id()) : settled(g));
            if (notNow.isPresent()) {
                return notNow.get();
            }
            return Step.save(grant.cancelled(clock.instant()), saved -> new GrantEvent.Cancelled(saved, Actor.person(user)),
                    Reply.named("request.cancelled", "id", grant.id()), saved -> { });
        });
    }

    /** The pending timeout fired: a request still undecided after {@code pending-timeout} times out. */
    public Outcome timeOut(GrantId id) {
        return changes.change(id, Action.TIME_OUT, g -> Reply.named("request.decidedInTime", "id", g.id()), grant -> {
            if (clock.instant().isBefore(grant.requestedAt().plus(policy.pendingTimeout()))) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.named("request.notTimedOut", "id", grant.id())));
            }
            return Step.save(grant.timedOut(clock.instant()), GrantEvent.TimedOut::new,
                    Reply.named("request.timedOut", "id", grant.id()), saved -> { });
        });
    }

    /** The emergency delay passed: offer the requester the solo break glass, if the request still waits. */
    public Outcome offerEmergency(GrantId id) {
        Optional<Grant> found = store.find(id);
        if (found.isEmpty()) {
            return new Outcome.Refused(Reply.named("grant.notFound", "id", id));
        }
        Grant grant = found.get();
        Optional<Outcome> notNow = Step.whyNot(grant, Action.OFFER_EMERGENCY,
                g -> Reply.named("request.noLongerWaits", "id", g.id()));
        if (notNow.isPresent()) {
            return notNow.get();
        }
        if (Optional.ofNullable(targetOf(grant)).flatMap(TargetPolicy::emergency).isEmpty()) {
            return new Outcome.Unchanged(grant, Reply.named("request.noLongerWaits", "id", grant.id()));
        }
        // Not a state change: the offer is a message; the rule is checked again when the button is pressed. Once
        // per grant, so a timer fired again after a crash does not offer twice.
        store.record(new GrantEvent.EmergencyOffered(grant), true);
        return new Outcome.Done(grant, Reply.named("request.emergencyOffered", "id", grant.id()));
    }

    /**
     * The requester breaks the glass alone: allowed only when the target has an emergency rule and no decision
     * came within its delay. The grant is approved without peers, capped at the emergency maximum, and flagged.
     */
    public Outcome breakGlass(GrantId id, String user) {
        return breakGlass(id, user, Optional.empty());
    }

    /** {@link #breakGlass(GrantId, String)} with the requester's step-up proof, when they passed step-up. */
    public Outcome breakGlass(GrantId id, String user, Optional<StepUpProof> proof) {
        return changes.change(id, grant -> {
            if (permissions.may(Act.BREAK_GLASS, grant, user) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            Optional<Step> notNow = Step.unless(grant, Action.BREAK_GLASS, g -> g.emergency()
                    ? Reply.named("request.alreadyBroken", "id", g.id()) : settled(g));
            if (notNow.isPresent()) {
                return notNow.get();
            }
            Optional<EmergencyPolicy> emergency = Optional.ofNullable(targetOf(grant)).flatMap(TargetPolicy::emergency);
            if (emergency.isEmpty()) {
                return Step.stop(new Outcome.Refused(Reply.named("request.noEmergency",
                        "target", grant.target())));
            }
            Instant available = grant.requestedAt().plus(emergency.get().after());
            if (clock.instant().isBefore(available)) {
                return Step.stop(new Outcome.Refused(Reply.named("request.emergencyNotYet",
                        "after", DurationText.format(emergency.get().after()), "at", available)));
            }
            Optional<Outcome> noStepUp = stepUp.missing(grant.target(), StepUpPolicy.Action.BREAK_GLASS, user, proof,
                    Reply.named("stepUp.breakingGlassOn", "id", grant.id()));
            if (noStepUp.isPresent()) {
                return Step.stop(noStepUp.get());
            }
            Grant next = stepUp.verified(grant.brokenGlass(emergency.get().maxDuration(), clock.instant()), user, proof);
            return Step.save(next, saved -> new GrantEvent.GlassBroken(saved, Actor.person(user)),
                    Reply.named("request.glassBroken", "id", grant.id(),
                            "duration", DurationText.format(next.duration())),
                    saved -> scheduler.schedule(saved.id(), GrantScheduler.Due.PROVISION, clock.instant()));
        });
    }

    /** The emergency kind a request names, as far as the policy allows it: a kind, none, or a refusal. */
    private sealed interface KindCheck {
        /** The kind named (empty where the policy defines none). */
        record Named(Optional<EmergencyKind> kind) implements KindCheck {
        }

        record Refused(Outcome outcome) implements KindCheck {
        }
    }

    /**
     * Where the policy defines emergency kinds, the request must name one the requester may invoke on the target;
     * the refusal lists those. Where it defines none, naming one is refused too (it would mean nothing).
     */
    private KindCheck kindOf(TargetPolicy target, String requester, Optional<String> named) {
        if (!policy.kindsRequired()) {
            return named.<KindCheck>map(id -> new KindCheck.Refused(Words.refused(Field.KIND,
                    Reply.named("request.noKinds", "given", Text.quote(id))))).orElse(new KindCheck.Named(Optional.empty()));
        }
        List<EmergencyKind> allowed = permissions.invocableKinds(target, requester);
        Reply.Part.SaidEach choices = Reply.each(allowed.stream().map(k -> Reply.named("request.kindChoice",
                "id", k.id(), "title", k.title(), "pattern", k.reference().orElse(""))).toList());
        if (allowed.isEmpty()) {
            return new KindCheck.Refused(Words.refused(Field.KIND, Reply.named("request.noKindFor",
                    "target", target.name())));
        }
        if (named.isEmpty()) {
            return new KindCheck.Refused(Words.refused(Field.KIND, Reply.named("request.kindMissing",
                    "target", target.name(), "kinds", choices)));
        }
        Optional<EmergencyKind> kind = allowed.stream().filter(k -> k.id().equals(named.get())).findFirst();
        if (kind.isEmpty()) {
            return new KindCheck.Refused(Words.refused(Field.KIND, Reply.named("request.kindNotAllowed",
                    "given", Text.quote(named.get()), "known", policy.kind(named.get()).isPresent(),
                    "target", target.name(), "kinds", choices)));
        }
        return new KindCheck.Named(kind);
    }

    private TargetPolicy targetOf(Grant grant) {
        return policy.target(grant.target()).orElse(null);
    }

    private String requestableNames(String user) {
        List<TargetPolicy> mine = permissions.requestableTargets(user);
        return mine.stream().map(TargetPolicy::name).collect(Collectors.joining(", "));
    }

    /** Why a decision no longer applies: the grant already left PENDING. */
    private static Reply settled(Grant grant) {
        return switch (grant.state()) {
            case DENIED -> Reply.named("request.alreadyDenied", "id", grant.id(),
                    "by", person(grant.decidedBy().orElse("?")));
            case CANCELLED -> Reply.named("request.cancelledByRequester", "id", grant.id());
            case TIMED_OUT -> Reply.named("request.timedOutUndecided", "id", grant.id());
            case PENDING -> Reply.named("request.stillPending", "id", grant.id());
            default -> grant.emergency()
                    ? Reply.named("request.takenAsEmergency", "id", grant.id(),
                    "requester", person(grant.requester()))
                    : Reply.named("request.alreadyApprovedBy", "id", grant.id(),
                    "approvers", Reply.people(grant.approvedBy()), "state", grant.state().word());
        };
    }
}

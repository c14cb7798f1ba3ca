package dev.breakglass.grant;

import dev.breakglass.command.DurationText;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Outcome.Field;
import dev.breakglass.policy.EmergencyPolicy;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.CredentialVault;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.GrantScheduler;
import dev.breakglass.port.GrantStore;
import dev.breakglass.port.Notifier;
import dev.breakglass.port.PeopleDirectory;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import dev.breakglass.port.TargetRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.breakglass.grant.Reply.person;

/**
 * The use cases of a grant: request, approve, deny, cancel, time out, break glass, provision.
 *
 * <p>Every change is a compare-and-set on the grant's version: a use case reads the grant, decides, and saves
 * only if nobody changed it meanwhile; otherwise it reads again and decides again. So two approvers clicking at
 * once, in one process or two, give exactly one outcome, and only the saver of APPROVED schedules provisioning.
 * A repeated step is {@link Outcome.Unchanged} with a polite reply; a step the rules forbid is
 * {@link Outcome.Refused} and changes nothing. Events are published after the save, never before.
 */
public final class GrantService {
    /** Longest incident reference kept, in characters. */
    public static final int MAX_INCIDENT_LENGTH = 200;
    /** Longest deny reason, in characters. */
    public static final int MAX_REASON_LENGTH = 3000;
    private static final int MAX_ATTEMPTS = 20;

    private final GrantStore store;
    private final Policy policy;
    private final PeopleDirectory people;
    private final TargetRegistry targets;
    private final CredentialVault vault;
    private final Notifier notifier;
    private final GrantScheduler scheduler;
    private final Clock clock;

    public GrantService(GrantStore store, Policy policy, PeopleDirectory people, TargetRegistry targets,
                        CredentialVault vault, Notifier notifier, GrantScheduler scheduler, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.people = people;
        this.targets = targets;
        this.vault = vault;
        this.notifier = notifier;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** The grant, when it exists. */
    public Optional<Grant> find(GrantId id) {
        return store.find(id);
    }

    /**
     * Whether {@code user} may see the grant: its requester, or an approver, revoker or reviewer of its target.
     * A grant whose target left the policy is visible to its requester only.
     */
    public boolean canSee(Grant grant, String user) {
        if (grant.requester().equals(user)) {
            return true;
        }
        TargetPolicy target = targetOf(grant);
        if (target == null) {
            return false;
        }
        List<Principal> watchers = new java.util.ArrayList<>(target.approvers());
        watchers.addAll(target.revokers());
        watchers.addAll(target.reviewers());
        return allows(watchers, user);
    }

    /** The grant, if {@code user} may see it; an id they may not see looks like one that does not exist. */
    public Optional<Grant> status(GrantId id, String user) {
        return store.find(id).filter(g -> canSee(g, user));
    }

    /** Pending and active grants {@code user} may see, oldest first. */
    public List<Grant> openGrantsVisibleTo(String user) {
        return store.findByState(java.util.EnumSet.of(GrantState.PENDING, GrantState.APPROVED, GrantState.ACTIVE,
                GrantState.REVOKE_FAILED)).stream().filter(g -> canSee(g, user)).toList();
    }

    /** The targets {@code user} may request, in policy order. */
    public List<TargetPolicy> requestableTargets(String user) {
        return policy.targets().values().stream().filter(t -> allows(t.requesters(), user)).toList();
    }

    /**
     * A new request, checked against the target's policy: target known, requester allowed, role known (or the
     * default), duration within min and max (or the default), justification within the rules, incident short.
     */
    public Outcome request(String requester, RequestDraft draft) {
        Optional<TargetPolicy> found = policy.target(draft.target());
        if (found.isEmpty()) {
            return refused(Field.TARGET, "There is no target named \"", draft.target(), "\". Targets you may request: ",
                    requestableNames(requester), ".");
        }
        TargetPolicy target = found.get();
        if (!allows(target.requesters(), requester)) {
            return refused(Field.TARGET, "You are not allowed to request access to ", target.name(),
                    ". Ask the owners of the policy to add you to its requesters.");
        }
        Optional<String> role = draft.role().isPresent() ? draft.role() : target.defaultRole();
        if (draft.role().isPresent() && !target.hasRole(draft.role().get())) {
            return refused(Field.ROLE, target.name(), target.roles().isEmpty() ? " has no roles" : " has no role \""
                    + draft.role().get() + "\". Roles: " + String.join(", ", target.roles()), ".");
        }
        Duration duration = draft.duration().orElse(target.defaultDuration());
        if (duration.compareTo(target.maxDuration()) > 0) {
            return refused(Field.DURATION, DurationText.format(duration), " is longer than the ", target.name(),
                    " maximum of ", DurationText.format(target.maxDuration()), ". Ask for less; you can extend later.");
        }
        if (duration.compareTo(target.minDuration()) < 0) {
            return refused(Field.DURATION, DurationText.format(duration), " is shorter than the ", target.name(),
                    " minimum of ", DurationText.format(target.minDuration()), ".");
        }
        String justification = draft.justification().strip();
        Optional<String> problem = policy.justification().problem(justification);
        if (problem.isPresent()) {
            return refused(Field.JUSTIFICATION, problem.get());
        }
        Optional<String> incident = draft.incident().map(String::strip).filter(s -> !s.isEmpty());
        if (incident.isPresent() && incident.get().codePointCount(0, incident.get().length()) > MAX_INCIDENT_LENGTH) {
            return refused(Field.INCIDENT, "The incident reference is longer than ", MAX_INCIDENT_LENGTH,
                    " characters; give the ticket id or link.");
        }
        Instant now = clock.instant();
        Grant grant = store.create(new NewGrant(requester, target.name(), role, duration, justification, incident,
                target.approvals(), now));
        notifier.publish(new GrantEvent.Requested(grant));
        scheduler.schedule(grant.id(), GrantScheduler.Due.PENDING_TIMEOUT, now.plus(policy.pendingTimeout()));
        target.emergency().ifPresent(e ->
                scheduler.schedule(grant.id(), GrantScheduler.Due.EMERGENCY_OFFER, now.plus(e.after())));
        return new Outcome.Done(grant, Reply.of("Requested ", grant.id(), ": ", target.name(),
                role.map(r -> ":" + r).orElse(""), " for ", DurationText.format(duration), ". It needs ",
                approvalsText(target.approvals()), "; you will hear here and in a direct message."));
    }

    /** An approval by {@code approver}; provisioning starts once enough distinct peers approved. */
    public Outcome approve(GrantId id, String approver) {
        return change(id, grant -> {
            if (grant.state() != GrantState.PENDING) {
                return Step.stop(settled(grant));
            }
            if (approver.equals(grant.requester())) {
                return Step.stop(new Outcome.Refused(Reply.of("You cannot approve your own request ", grant.id(),
                        ". A peer has to.")));
            }
            TargetPolicy target = targetOf(grant);
            if (target == null || !allows(target.approvers(), approver)) {
                return Step.stop(new Outcome.Refused(Reply.of("You are not an approver for ", grant.target(),
                        ", so you cannot approve ", grant.id(), ".")));
            }
            if (grant.approvedBy().contains(approver)) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.of("You already approved ", grant.id(),
                        "; it still needs ", approvalsText(grant.approvalsMissing()), ".")));
            }
            Grant next = grant.approvedBy(approver, clock.instant());
            if (next.state() == GrantState.APPROVED) {
                return Step.save(next, saved -> new GrantEvent.Approved(saved, approver),
                        Reply.of("You approved ", grant.id(), ". Access is being provisioned."),
                        saved -> scheduler.schedule(saved.id(), GrantScheduler.Due.PROVISION, clock.instant()));
            }
            return Step.save(next, saved -> new GrantEvent.ApprovalRecorded(saved, approver),
                    Reply.of("You approved ", grant.id(), "; it needs ", approvalsText(next.approvalsMissing()),
                            " more."), saved -> { });
        });
    }

    /** A refusal by an approver, with the reason shown to the requester. */
    public Outcome deny(GrantId id, String approver, String reason) {
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty()) {
            return refused(null, "Say why you deny the request: the requester sees your reason.");
        }
        if (why.codePointCount(0, why.length()) > MAX_REASON_LENGTH) {
            return refused(null, "The reason is longer than ", MAX_REASON_LENGTH, " characters.");
        }
        return change(id, grant -> {
            if (grant.state() != GrantState.PENDING) {
                return Step.stop(settled(grant));
            }
            TargetPolicy target = targetOf(grant);
            if (approver.equals(grant.requester())) {
                return Step.stop(new Outcome.Refused(Reply.of("To withdraw your own request, cancel it instead.")));
            }
            if (target == null || !allows(target.approvers(), approver)) {
                return Step.stop(new Outcome.Refused(Reply.of("You are not an approver for ", grant.target(),
                        ", so you cannot deny ", grant.id(), ".")));
            }
            return Step.save(grant.denied(approver, why, clock.instant()),
                    saved -> new GrantEvent.Denied(saved, approver, why),
                    Reply.of("You denied ", grant.id(), "."), saved -> { });
        });
    }

    /** The requester withdraws a pending request. */
    public Outcome cancel(GrantId id, String user) {
        return change(id, grant -> {
            if (!user.equals(grant.requester())) {
                return Step.stop(new Outcome.Refused(Reply.of("Only ", person(grant.requester()),
                        " can cancel ", grant.id(), ".")));
            }
            if (grant.state() == GrantState.CANCELLED) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.of(grant.id(), " is already cancelled.")));
            }
            if (grant.state() != GrantState.PENDING) {
                return Step.stop(settled(grant));
            }
            return Step.save(grant.cancelled(clock.instant()), GrantEvent.Cancelled::new,
                    Reply.of("You cancelled ", grant.id(), "."), saved -> { });
        });
    }

    /** The pending timeout fired: a request still undecided after {@code pending-timeout} times out. */
    public Outcome timeOut(GrantId id) {
        return change(id, grant -> {
            if (grant.state() != GrantState.PENDING) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.of(grant.id(), " was decided in time.")));
            }
            if (clock.instant().isBefore(grant.requestedAt().plus(policy.pendingTimeout()))) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.of(grant.id(), " has not timed out yet.")));
            }
            return Step.save(grant.timedOut(clock.instant()), GrantEvent.TimedOut::new,
                    Reply.of(grant.id(), " timed out."), saved -> { });
        });
    }

    /** The emergency delay passed: offer the requester the solo break glass, if the request still waits. */
    public Outcome offerEmergency(GrantId id) {
        Optional<Grant> found = store.find(id);
        if (found.isEmpty()) {
            return new Outcome.Refused(Reply.of("There is no grant ", id, "."));
        }
        Grant grant = found.get();
        Optional<EmergencyPolicy> emergency = Optional.ofNullable(targetOf(grant)).flatMap(TargetPolicy::emergency);
        if (grant.state() != GrantState.PENDING || emergency.isEmpty()) {
            return new Outcome.Unchanged(grant, Reply.of(grant.id(), " no longer waits."));
        }
        // Not a state change: the offer is a message; the rule is checked again when the button is pressed.
        notifier.publish(new GrantEvent.EmergencyOffered(grant));
        return new Outcome.Done(grant, Reply.of("Offered emergency access for ", grant.id(), "."));
    }

    /**
     * The requester breaks the glass alone: allowed only when the target has an emergency rule and no decision
     * came within its delay. The grant is approved without peers, capped at the emergency maximum, and flagged.
     */
    public Outcome breakGlass(GrantId id, String user) {
        return change(id, grant -> {
            if (!user.equals(grant.requester())) {
                return Step.stop(new Outcome.Refused(Reply.of("Only ", person(grant.requester()),
                        " can break the glass on ", grant.id(), ".")));
            }
            if (grant.state() != GrantState.PENDING) {
                return Step.stop(grant.emergency()
                        ? new Outcome.Unchanged(grant, Reply.of("You already broke the glass on ", grant.id(), "."))
                        : settled(grant));
            }
            Optional<EmergencyPolicy> emergency = Optional.ofNullable(targetOf(grant)).flatMap(TargetPolicy::emergency);
            if (emergency.isEmpty()) {
                return Step.stop(new Outcome.Refused(Reply.of(grant.target(),
                        " has no emergency access: a peer must approve.")));
            }
            Instant available = grant.requestedAt().plus(emergency.get().after());
            if (clock.instant().isBefore(available)) {
                return Step.stop(new Outcome.Refused(Reply.of("Emergency access opens ",
                        DurationText.format(emergency.get().after()), " after the request, at ", available,
                        " UTC; until then a peer must approve.")));
            }
            Grant next = grant.brokenGlass(emergency.get().maxDuration(), clock.instant());
            return Step.save(next, GrantEvent.GlassBroken::new,
                    Reply.of("You broke the glass on ", grant.id(), ": access for ", DurationText.format(next.duration()),
                            " is being provisioned. Everyone in the notify channels has been told, and a review is"
                                    + " mandatory."),
                    saved -> scheduler.schedule(saved.id(), GrantScheduler.Due.PROVISION, clock.instant()));
        });
    }

    /**
     * Provisions an APPROVED grant through its target's adapter: ACTIVE with the handle and the credentials
     * sealed in the vault, or FAILED with the adapter's reason. Idempotent: any other state is left alone, so a
     * re-fired job does nothing.
     */
    public Outcome provision(GrantId id) {
        Optional<Grant> found = store.find(id);
        if (found.isEmpty()) {
            return new Outcome.Refused(Reply.of("There is no grant ", id, "."));
        }
        Grant grant = found.get();
        if (grant.state() != GrantState.APPROVED) {
            return new Outcome.Unchanged(grant, Reply.of(grant.id(), " is ", grant.state(), ", nothing to provision."));
        }
        Optional<TargetAdapter> adapter = targets.adapter(grant.target());
        Instant start = clock.instant();
        Outcome outcome;
        if (adapter.isEmpty()) {
            outcome = fail(grant, "the target " + grant.target() + " is no longer configured");
        } else {
            GrantRequest request = new GrantRequest(grant.id(), grant.target(), grant.role(), grant.requester(),
                    people.email(grant.requester()), start.plus(grant.duration()), grant.justification());
            try {
                Provisioned provisioned = adapter.get().grant(request);
                provisioned.credentials().ifPresent(c -> vault.seal(grant.id(), c));
                boolean issued = provisioned.credentials().isPresent();
                outcome = change(id, current -> current.state() != GrantState.APPROVED
                        ? Step.stop(new Outcome.Unchanged(current, Reply.of(current.id(), " changed meanwhile.")))
                        : Step.save(current.activated(provisioned.handle(), start),
                        saved -> new GrantEvent.Activated(saved, issued),
                        Reply.of(current.id(), " is active."), saved -> { }));
            } catch (TargetException e) {
                outcome = fail(grant, e.getMessage());
            } catch (RuntimeException e) {
                outcome = fail(grant, "the " + grant.target() + " adapter failed unexpectedly ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        return outcome;
    }

    private Outcome fail(Grant grant, String reason) {
        String why = reason == null || reason.isBlank() ? "no reason given" : reason;
        return change(grant.id(), current -> current.state() != GrantState.APPROVED
                ? Step.stop(new Outcome.Unchanged(current, Reply.of(current.id(), " changed meanwhile.")))
                : Step.save(current.failed(why, clock.instant()), saved -> new GrantEvent.ProvisioningFailed(saved, why),
                Reply.of("Provisioning ", current.id(), " failed: ", why), saved -> { }));
    }

    /** True when {@code user} is among {@code principals}, directly, through a user group, or as anyone. */
    public boolean allows(List<Principal> principals, String user) {
        Set<String> groups = principals.stream().filter(p -> p instanceof Principal.UserGroupId)
                .map(Principal::text).collect(Collectors.toSet());
        Set<String> memberships = groups.isEmpty() || principals.stream().anyMatch(p -> p.includes(user, Set.of()))
                ? Set.of() : people.groupsOf(user, groups);
        return principals.stream().anyMatch(p -> p.includes(user, memberships));
    }

    private TargetPolicy targetOf(Grant grant) {
        return policy.target(grant.target()).orElse(null);
    }

    private String requestableNames(String user) {
        List<TargetPolicy> mine = requestableTargets(user);
        return mine.isEmpty() ? "none" : mine.stream().map(TargetPolicy::name).collect(Collectors.joining(", "));
    }

    private static String approvalsText(int n) {
        return n == 1 ? "1 approval" : n + " approvals";
    }

    /** Why a decision no longer applies: the grant already left PENDING. */
    private static Outcome settled(Grant grant) {
        Reply reply = switch (grant.state()) {
            case DENIED -> Reply.of(grant.id(), " was already denied by ", person(grant.decidedBy().orElse("?")), ".");
            case CANCELLED -> Reply.of(grant.id(), " was cancelled by its requester.");
            case TIMED_OUT -> Reply.of(grant.id(), " timed out before a decision.");
            case PENDING -> Reply.of(grant.id(), " is still pending.");
            default -> grant.emergency()
                    ? Reply.of(grant.id(), " was taken as emergency access by ", person(grant.requester()), ".")
                    : Reply.of(approvedByText(grant), " (now ", grant.state().name().toLowerCase().replace('_', ' '), ").");
        };
        return new Outcome.Unchanged(grant, reply);
    }

    private static Reply approvedByText(Grant grant) {
        Object[] parts = new Object[2 + grant.approvedBy().size() * 2];
        parts[0] = grant.id();
        parts[1] = " was already approved by ";
        for (int i = 0; i < grant.approvedBy().size(); i++) {
            parts[2 + i * 2] = i == 0 ? "" : " and ";
            parts[3 + i * 2] = person(grant.approvedBy().get(i));
        }
        return Reply.of(parts);
    }

    private static Outcome refused(Field field, Object... pieces) {
        return new Outcome.Refused(Reply.of(pieces), Optional.ofNullable(field));
    }

    /** Read, decide, compare-and-set; on a lost race read again and decide again. */
    private Outcome change(GrantId id, Function<Grant, Step> decide) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Grant> current = store.find(id);
            if (current.isEmpty()) {
                return new Outcome.Refused(Reply.of("There is no grant ", id, "."));
            }
            Step step = decide.apply(current.get());
            if (step instanceof Step.Stop stop) {
                return stop.outcome();
            }
            Step.Save save = (Step.Save) step;
            Optional<Grant> saved = store.update(save.next());
            if (saved.isPresent()) {
                notifier.publish(save.event().apply(saved.get()));
                save.then().accept(saved.get());
                return new Outcome.Done(saved.get(), save.reply());
            }
        }
        return new Outcome.Refused(Reply.of(id, " is changing too fast right now; try again."));
    }

    /** One decision of {@link #change}: save this, or stop with that. */
    private sealed interface Step {
        record Save(Grant next, Function<Grant, GrantEvent> event, Reply reply,
                    java.util.function.Consumer<Grant> then) implements Step {}

        record Stop(Outcome outcome) implements Step {}

        static Step save(Grant next, Function<Grant, GrantEvent> event, Reply reply,
                         java.util.function.Consumer<Grant> then) {
            return new Save(next, event, reply, then);
        }

        static Step stop(Outcome outcome) {
            return new Stop(outcome);
        }
    }
}

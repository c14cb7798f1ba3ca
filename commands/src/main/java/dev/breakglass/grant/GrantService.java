package dev.breakglass.grant;

import dev.breakglass.command.DurationText;
import dev.breakglass.command.FreeText;
import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.GrantState.Action;
import dev.breakglass.grant.Outcome.Field;
import dev.breakglass.policy.EmergencyPolicy;
import dev.breakglass.policy.Permission;
import dev.breakglass.policy.Permissions;
import dev.breakglass.policy.Permissions.Act;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.StepUpPolicy;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.CredentialVault;
import dev.breakglass.port.Extending;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.GrantScheduler;
import dev.breakglass.port.GrantStore;
import dev.breakglass.port.PeopleDirectory;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import dev.breakglass.port.TargetRegistry;
import dev.breakglass.port.TargetTimeoutException;
import dev.breakglass.stepup.StepUpProof;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static dev.breakglass.grant.Reply.person;

/**
 * The use cases of a grant: request, approve, deny, cancel, time out, break glass, provision, warn, extend,
 * expire, revoke early, retry and resolve failed revocations, and sweep what timers missed.
 *
 * <p>Every change is a compare-and-set on the grant's version: a use case reads the grant, decides, and saves
 * only if nobody changed it meanwhile; otherwise it reads again and decides again. So two approvers clicking at
 * once, in one process or two, give exactly one outcome, and only the saver of APPROVED schedules provisioning.
 * A repeated step is {@link Outcome.Unchanged} with a polite reply; a step the rules forbid is
 * {@link Outcome.Refused} and changes nothing. A change's events are saved with it, in one transaction.
 *
 * <p>Step-up: where the policy asks for a second factor ({@link Policy#stepUpRequired}), request, approve, break
 * glass, extend and approve extension count only with a {@link StepUpProof} of the person acting, fresh from
 * {@code StepUpService.verify}; without one they are refused (field {@link Field#STEP_UP}) and nothing changes. The
 * forms without a proof parameter pass none. Who passed is recorded on the grant ({@link Grant#stepUpVerified()}).
 */
public final class GrantService {
    /** Longest incident reference kept, in characters. */
    public static final int MAX_INCIDENT_LENGTH = FreeText.INCIDENT.maxLength();
    /** Longest deny reason, in characters. */
    public static final int MAX_REASON_LENGTH = FreeText.DENY_REASON.maxLength();
    /** The most grants one view (App Home, {@code /breakglass list}) reads from the store. */
    public static final int READ_LIMIT = 200;
    /** An approved grant not provisioned after this long lost its provisioning timer. */
    private static final Duration STUCK_APPROVED = Duration.ofMinutes(2);

    private final GrantStore store;
    private final Policy policy;
    private final PeopleDirectory people;
    private final TargetRegistry targets;
    private final CredentialVault vault;
    private final GrantScheduler scheduler;
    private final Clock clock;
    private final RevocationTimings timings;
    private final GrantChanges changes;
    private final Permissions permissions;

    public GrantService(GrantStore store, Policy policy, PeopleDirectory people, TargetRegistry targets,
                        CredentialVault vault, GrantScheduler scheduler, Clock clock) {
        this(store, policy, people, targets, vault, scheduler, clock, RevocationTimings.DEFAULT);
    }

    public GrantService(GrantStore store, Policy policy, PeopleDirectory people, TargetRegistry targets,
                        CredentialVault vault, GrantScheduler scheduler, Clock clock,
                        RevocationTimings timings) {
        this.timings = timings;
        this.store = store;
        this.policy = policy;
        this.people = people;
        this.targets = targets;
        this.vault = vault;
        this.scheduler = scheduler;
        this.clock = clock;
        this.changes = new GrantChanges(store);
        this.permissions = new Permissions(policy, people);
    }

    /** The grant, when it exists. */
    public Optional<Grant> find(GrantId id) {
        return store.find(id);
    }

    /**
     * The grant, if {@code user} may see it ({@link Permissions#maySee}); an id they may not see looks like one that
     * does not exist.
     */
    public Optional<Grant> status(GrantId id, String user) {
        return store.find(id).filter(g -> permissions.maySee(g, user));
    }

    /**
     * Pending and active grants {@code user} may see, oldest first, among the newest {@link #READ_LIMIT} open
     * grants: what a person looks at is a bounded read, however many grants pile up.
     */
    public List<Grant> openGrantsVisibleTo(String user) {
        return store.findNewestByState(java.util.EnumSet.of(GrantState.PENDING, GrantState.APPROVED,
                GrantState.PROVISIONING, GrantState.ACTIVE, GrantState.REVOKE_FAILED), READ_LIMIT).stream()
                .filter(g -> permissions.maySee(g, user)).toList();
    }

    /** The targets {@code user} may request, in policy order. */
    public List<TargetPolicy> requestableTargets(String user) {
        return permissions.requestableTargets(user);
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
            return refused(Field.TARGET, "There is no target named \"", draft.target(), "\". Targets you may request: ",
                    requestableNames(requester), ".");
        }
        TargetPolicy target = found.get();
        if (permissions.mayRequest(target, requester) instanceof Permission.Refused no) {
            return new Outcome.Refused(no.reply(), Optional.of(Field.TARGET));
        }
        Optional<Outcome> noStepUp = stepUpMissing(target.name(), StepUpPolicy.Action.REQUEST, requester, proof,
                Reply.of("Requests for ", target.name()));
        if (noStepUp.isPresent()) {
            return noStepUp.get();
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
        Optional<String> incident = optional(draft.incident());
        Optional<String> incidentProblem = incident.flatMap(FreeText.INCIDENT::problem);
        if (incidentProblem.isPresent()) {
            return refused(Field.INCIDENT, incidentProblem.get());
        }
        Instant now = clock.instant();
        int recent = store.countRequestedSince(requester, now.minus(Duration.ofHours(1)));
        if (recent >= policy.requestsPerHour()) {
            return refused(null, "You made ", recent, " requests in the last hour, the most the policy allows"
                    + " (requests-per-hour). Wait a while, or use one you already made: /breakglass list shows them.");
        }
        Grant grant = store.create(new NewGrant(requester, target.name(), role, duration, justification, incident,
                target.approvals(), now, proof.filter(p -> p.vouchesFor(requester, now)).isPresent()),
                created -> List.of(new GrantEvent.Requested(created, Actor.person(requester))));
        scheduler.schedule(grant.id(), GrantScheduler.Due.PENDING_TIMEOUT, now.plus(policy.pendingTimeout()));
        target.emergency().ifPresent(e ->
                scheduler.schedule(grant.id(), GrantScheduler.Due.EMERGENCY_OFFER, now.plus(e.after())));
        return new Outcome.Done(grant, Reply.of("Requested ", grant.id(), ": ", target.name(),
                role.map(r -> ":" + r).orElse(""), " for ", DurationText.format(duration), ". It needs ",
                approvalsText(target.approvals()), "; you will hear here and in a direct message."));
    }

    /** An approval by {@code approver}; provisioning starts once enough distinct peers approved. */
    public Outcome approve(GrantId id, String approver) {
        return approve(id, approver, Optional.empty());
    }

    /** {@link #approve(GrantId, String)} with the approver's step-up proof, when they passed step-up. */
    public Outcome approve(GrantId id, String approver, Optional<StepUpProof> proof) {
        return changes.change(id, Action.APPROVE, GrantService::settled, grant -> {
            if (permissions.may(Act.APPROVE, grant, approver) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            if (grant.approvedBy().contains(approver)) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.of("You already approved ", grant.id(),
                        "; it still needs ", approvalsText(grant.approvalsMissing()), ".")));
            }
            Optional<Outcome> noStepUp = stepUpMissing(grant.target(), StepUpPolicy.Action.APPROVE, approver, proof,
                    Reply.of("Approving ", grant.id()));
            if (noStepUp.isPresent()) {
                return Step.stop(noStepUp.get());
            }
            Grant next = verified(grant.approvedBy(approver, clock.instant()), approver, proof);
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
        String why = FreeText.strip(reason);
        Optional<String> problem = FreeText.DENY_REASON.problem(why);
        if (problem.isPresent()) {
            return refused(null, problem.get());
        }
        return changes.change(id, Action.DENY, GrantService::settled, grant -> {
            if (permissions.may(Act.DENY, grant, approver) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            return Step.save(grant.denied(approver, why, clock.instant()),
                    saved -> new GrantEvent.Denied(saved, approver, why),
                    Reply.of("You denied ", grant.id(), "."), saved -> { });
        });
    }

    /** The requester withdraws a pending request. */
    public Outcome cancel(GrantId id, String user) {
        return change(id, grant -> {
            if (permissions.may(Act.CANCEL, grant, user) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            Optional<Step> notNow = Step.unless(grant, Action.CANCEL, g -> g.state() == GrantState.CANCELLED
                    ? Reply.of(g.id(), " is already cancelled.") : settled(g));
            if (notNow.isPresent()) {
                return notNow.get();
            }
            return Step.save(grant.cancelled(clock.instant()), saved -> new GrantEvent.Cancelled(saved, Actor.person(user)),
                    Reply.of("You cancelled ", grant.id(), "."), saved -> { });
        });
    }

    /** The pending timeout fired: a request still undecided after {@code pending-timeout} times out. */
    public Outcome timeOut(GrantId id) {
        return changes.change(id, Action.TIME_OUT, g -> Reply.of(g.id(), " was decided in time."), grant -> {
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
        Optional<Outcome> notNow = Step.whyNot(grant, Action.OFFER_EMERGENCY, g -> Reply.of(g.id(), " no longer waits."));
        if (notNow.isPresent()) {
            return notNow.get();
        }
        if (Optional.ofNullable(targetOf(grant)).flatMap(TargetPolicy::emergency).isEmpty()) {
            return new Outcome.Unchanged(grant, Reply.of(grant.id(), " no longer waits."));
        }
        // Not a state change: the offer is a message; the rule is checked again when the button is pressed. Once
        // per grant, so a timer fired again after a crash does not offer twice.
        store.record(new GrantEvent.EmergencyOffered(grant), true);
        return new Outcome.Done(grant, Reply.of("Offered emergency access for ", grant.id(), "."));
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
        return change(id, grant -> {
            if (permissions.may(Act.BREAK_GLASS, grant, user) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            Optional<Step> notNow = Step.unless(grant, Action.BREAK_GLASS, g -> g.emergency()
                    ? Reply.of("You already broke the glass on ", g.id(), ".") : settled(g));
            if (notNow.isPresent()) {
                return notNow.get();
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
            Optional<Outcome> noStepUp = stepUpMissing(grant.target(), StepUpPolicy.Action.BREAK_GLASS, user, proof,
                    Reply.of("Breaking the glass on ", grant.id()));
            if (noStepUp.isPresent()) {
                return Step.stop(noStepUp.get());
            }
            Grant next = verified(grant.brokenGlass(emergency.get().maxDuration(), clock.instant()), user, proof);
            return Step.save(next, saved -> new GrantEvent.GlassBroken(saved, Actor.person(user)),
                    Reply.of("You broke the glass on ", grant.id(), ": access for ", DurationText.format(next.duration()),
                            " is being provisioned. Everyone in the notify channels has been told, and a review is"
                                    + " mandatory."),
                    saved -> scheduler.schedule(saved.id(), GrantScheduler.Due.PROVISION, clock.instant()));
        });
    }

    /**
     * Provisions an APPROVED grant through its target's adapter: ACTIVE with the handle and the credentials
     * sealed in the vault, FAILED with the adapter's reason, or ROLLED_BACK.
     *
     * <p>PROVISIONING is saved (compare-and-set, with a lease) before the adapter is asked, so exactly one process
     * asks and a crash after the target answered is visible: the sweeper rolls back a PROVISIONING grant whose
     * lease passed. Anything that fails after the adapter's grant succeeded — credentials that cannot be stored
     * (not valid Unicode, a vault error), the ACTIVE save, a grant call that got no answer in time
     * ({@link TargetTimeoutException}: the target may have acted) — takes the access back through the revocation path
     * (retried with backoff, alerting on failure) and ends ROLLED_BACK. Idempotent: any state but APPROVED is left
     * alone, so a re-fired job does nothing.
     */
    public Outcome provision(GrantId id) {
        Instant start = clock.instant();
        Outcome claimed = changes.change(id, Action.PROVISION,
                g -> Reply.of(g.id(), " is ", word(g.state()), ", nothing to provision."),
                g -> Step.quiet(g.provisioningStarted(start, start.plus(timings.lease()))));
        if (!(claimed instanceof Outcome.Done done)) {
            return claimed;
        }
        Grant mine = done.grant();
        if (permissions.may(Act.RECEIVE, mine, mine.requester()) instanceof Permission.Refused) {
            // Removed from the requesters between asking and now: the approval no longer gives access.
            // Fail closed: Slack not answering the membership question counts as "no", so the reason says both.
            return fail(mine, "the requester is no longer allowed to request access to " + mine.target()
                    + " (or Slack could not confirm their group membership)");
        }
        Optional<TargetAdapter> adapter = targets.adapter(mine.target());
        if (adapter.isEmpty()) {
            return fail(mine, "the target " + mine.target() + " is no longer configured");
        }
        GrantRequest request = new GrantRequest(mine.id(), mine.target(), mine.role(), mine.requester(),
                people.email(mine.requester()), start.plus(mine.duration()), mine.justification());
        Provisioned made;
        try {
            made = adapter.get().grant(request);
        } catch (TargetTimeoutException e) {
            // No answer in time: the target may have made the access anyway, so take it back rather than trust it.
            return rollBack(mine, new Provisioned(request, UNKNOWN_HANDLE, Optional.empty()), e.getMessage());
        } catch (TargetException e) {
            return fail(mine, e.getMessage());
        } catch (RuntimeException e) {
            return fail(mine, "the " + mine.target() + " adapter failed unexpectedly (" + e.getClass().getSimpleName() + ")");
        }
        return activate(mine, made, start);
    }

    /** The target made the access: store the credentials and save ACTIVE, or take the access back. */
    private Outcome activate(Grant mine, Provisioned made, Instant start) {
        Optional<String> unusable = made.credentials().flatMap(Credentials::problem);
        if (unusable.isPresent()) {
            return rollBack(mine, made, "the credentials from " + mine.target() + " cannot be stored: " + unusable.get());
        }
        Outcome outcome;
        try {
            made.credentials().ifPresent(c -> vault.seal(mine.id(), c));
        } catch (RuntimeException e) {
            return rollBack(mine, made, "the credentials could not be stored (" + e.getClass().getSimpleName() + ")");
        }
        Optional<String> fingerprint = made.credentials().map(Credentials::fingerprint);
        try {
            outcome = change(mine.id(), current -> current.version() != mine.version()
                    ? Step.stop(new Outcome.Unchanged(current, Reply.of(current.id(), " changed meanwhile.")))
                    : Step.save(current.activated(made.handle(), start),
                    saved -> new GrantEvent.Activated(saved, fingerprint),
                    Reply.of(current.id(), " is active."), this::scheduleEnd));
        } catch (RuntimeException e) {
            return rollBack(mine, made, "the grant could not be recorded as active (" + e.getClass().getSimpleName() + ")");
        }
        return outcome instanceof Outcome.Done ? outcome
                : rollBack(mine, made, "the grant could not be recorded as active: " + outcome.reply().plain());
    }

    /**
     * Takes back access the target made for a grant that did not become ACTIVE. Claims it like a revocation (only
     * while still the PROVISIONING copy this process saved), revokes with the handle in hand, and records
     * ROLLED_BACK or a revocation failure that is retried and alerted like any other.
     *
     * <p>Edge cases: when the claim cannot be saved (the database is failing) the revoke is still made, best
     * effort, and the sweeper finishes the record once the lease passed (it asks the target first). When someone
     * else changed the grant meanwhile and it is not ACTIVE (the sweeper took over a lease this slow process
     * overran), the revoke is made too, since the access it just made may have arrived after their check; an
     * ACTIVE grant is left alone, its expiry ends it.
     */
    private Outcome rollBack(Grant mine, Provisioned made, String why) {
        Optional<String> handle = Optional.of(made.handle()).filter(h -> !h.equals(UNKNOWN_HANDLE));
        Outcome claim;
        try {
            Instant now = clock.instant();
            claim = change(mine.id(), g -> g.version() != mine.version()
                    ? Step.stop(new Outcome.Unchanged(g, Reply.of(g.id(), " changed meanwhile.")))
                    : Step.quiet(g.rollbackClaimed(handle, why, now, now.plus(timings.lease()))));
        } catch (RuntimeException storeFailing) {
            takeBack(mine, made.withoutCredentials(), false);
            return new Outcome.Refused(Reply.of("Provisioning ", mine.id(), " failed (", why, ") and could not be "
                    + "recorded; the access was revoked and the sweeper records the rollback."));
        }
        if (claim instanceof Outcome.Done done) {
            return settle(done.grant(), mine, takeBack(done.grant(), made.withoutCredentials(), false));
        }
        if (claim instanceof Outcome.Unchanged u && u.grant().activatedAt().isEmpty()) {
            takeBack(u.grant(), made.withoutCredentials(), false);
        }
        return claim;
    }

    /** Schedules the warning and the expiry of an active grant's current window. */
    private void scheduleEnd(Grant active) {
        Instant end = active.expiresAt().orElseThrow();
        scheduler.schedule(active.id(), GrantScheduler.Due.EXPIRE, end);
        scheduler.schedule(active.id(), GrantScheduler.Due.WARN, end.minus(warning(active)));
    }

    /** How long before the end the requester is warned: the policy's warn-before, or half of a short grant. */
    private Duration warning(Grant grant) {
        Duration before = policy.warnBefore();
        return grant.duration().compareTo(before.multipliedBy(2)) < 0 ? grant.duration().dividedBy(2) : before;
    }

    /**
     * The warning timer fired: tell the requester the window ends soon (unless it moved or already ended). The
     * warning is saved with the end it is about, so a timer fired again (a restart, a second replica) warns once;
     * an extension moves the end, and its own timer warns again.
     */
    public Outcome warn(GrantId id) {
        Function<Grant, Reply> noWarning = g -> Reply.of(g.id(), " needs no warning now.");
        return changes.change(id, Action.WARN, noWarning, grant -> {
            if (grant.expiresAt().isEmpty()
                    || clock.instant().plusSeconds(1).isBefore(grant.expiresAt().get().minus(warning(grant)))) {
                return Step.stop(new Outcome.Unchanged(grant, noWarning.apply(grant)));
            }
            if (grant.warnedOfCurrentEnd()) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.of("The requester of ", grant.id(),
                        " was already warned.")));
            }
            return Step.save(grant.warned(clock.instant()), GrantEvent.ExpiryWarned::new,
                    Reply.of("Warned the requester of ", grant.id(), "."), saved -> { });
        });
    }

    /** The expiry timer (or the sweeper) found the window over: remove the access. Idempotent. */
    public Outcome expire(GrantId id) {
        return endAccess(id, Optional.empty(), Optional.empty(), g -> g.state() == GrantState.ACTIVE
                && g.expiresAt().isPresent() && !clock.instant().isBefore(g.expiresAt().get()));
    }

    /**
     * Ends access early, by the requester ("I'm done"), one of its approvers, or a member of the target's
     * revokers; anyone else is refused.
     */
    public Outcome revoke(GrantId id, String by, Optional<String> reason) {
        Optional<String> why = optional(reason);
        Optional<String> problem = why.flatMap(FreeText.REVOKE_REASON::problem);
        if (problem.isPresent()) {
            return refused(null, problem.get());
        }
        Optional<Grant> found = store.find(id);
        if (found.isEmpty()) {
            return new Outcome.Refused(Reply.of("There is no grant ", id, " that you can see."));
        }
        Grant grant = found.get();
        if (permissions.may(Act.REVOKE, grant, by) instanceof Permission.Refused no) {
            return new Outcome.Refused(no.reply());
        }
        Optional<Outcome> notNow = Step.whyNot(grant, Action.REVOKE, g -> g.state() == GrantState.PROVISIONING
                ? Reply.of(g.id(), " is being provisioned right now; end it once it is active. Access that does not"
                + " become active is taken back by itself.")
                : Reply.of(g.id(), " holds no access (", word(g.state()), "); nothing to revoke."));
        if (notNow.isPresent()) {
            return notNow.get();
        }
        return endAccess(id, Optional.of(by), why, g -> true);
    }

    /** The retry timer (or the sweeper) found a failed or abandoned revocation due again. */
    public Outcome retryRevocation(GrantId id) {
        return endAccess(id, Optional.empty(), Optional.empty(), g -> g.state() == GrantState.REVOKE_FAILED
                ? g.revocation().nextAttemptAt().map(t -> !clock.instant().isBefore(t)).orElse(true)
                : g.revocation().revokedBy().isPresent());
    }

    /**
     * A revoker confirms by hand that the access of a REVOKE_FAILED grant is gone: it becomes REVOKED and the
     * retries stop. Only the target's revokers may, since it overrules the target's own answer.
     */
    public Outcome resolveRevocation(GrantId id, String by, String note) {
        Optional<String> written = optional(Optional.ofNullable(note));
        Optional<String> problem = written.flatMap(FreeText.RESOLVE_NOTE::problem);
        if (problem.isPresent()) {
            return refused(null, problem.get());
        }
        String why = written.orElse("confirmed removed by hand");
        return change(id, grant -> {
            if (permissions.may(Act.RESOLVE, grant, by) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            Optional<Step> notNow = Step.unless(grant, Action.RESOLVE, g -> Reply.of(g.id(), " is ", word(g.state()),
                    ", not failing to revoke."));
            if (notNow.isPresent()) {
                return notNow.get();
            }
            return Step.save(grant.revocationResolved(by, why, clock.instant()),
                    saved -> new GrantEvent.RevocationResolved(saved, by),
                    Reply.of("Marked ", grant.id(), " as revoked by hand."), saved -> {
                        vault.destroy(saved.id());
                        openReview(saved);
                    });
        });
    }

    /**
     * Removes the access: claim (so nobody else revokes at the same time), then revoke and verify at the target,
     * then record the end — or the failure, with the next attempt scheduled. Whoever takes over a claim whose
     * process died asks the target first, so access already removed is not revoked twice.
     */
    private Outcome endAccess(GrantId id, Optional<String> by, Optional<String> why, Predicate<Grant> due) {
        return endAccess(id, due, (g, now, until) -> g.revocationClaimed(by, why, now, until));
    }

    /** How {@link #endAccess} claims the grant: an expiry or early revoke, or the rollback of provisioning. */
    @FunctionalInterface
    private interface Claim {
        Grant claimed(Grant grant, Instant now, Instant leaseUntil);
    }

    private Outcome endAccess(GrantId id, Predicate<Grant> due, Claim claim) {
        Grant[] before = new Grant[1];
        Outcome claimed = changes.change(id, Action.END_ACCESS,
                g -> Reply.of(g.id(), " holds no access (", word(g.state()), ")."), g -> {
                    Instant now = clock.instant();
                    if (g.revocation().claimedAt(now)) {
                        return Step.stop(new Outcome.Unchanged(g, Reply.of(g.id(), " is being revoked right now.")));
                    }
                    if (!due.test(g)) {
                        return Step.stop(new Outcome.Unchanged(g, Reply.of(g.id(), " is not due for revocation.")));
                    }
                    before[0] = g;
                    return Step.quiet(claim.claimed(g, now, now.plus(timings.lease())));
                });
        if (!(claimed instanceof Outcome.Done done)) {
            return claimed;
        }
        Grant mine = done.grant();
        boolean takeover = before[0].revocation().leaseUntil().isPresent();
        Provisioned stored = new Provisioned(new GrantRequest(mine.id(), mine.target(), mine.role(),
                mine.requester(), Optional.empty(), mine.expiresAt().orElse(clock.instant()),
                mine.justification()), mine.handle().orElse(UNKNOWN_HANDLE), Optional.empty());
        return settle(mine, before[0], takeBack(mine, stored, takeover));
    }

    /**
     * What taking access back at the target came to.
     *
     * @param error       why it failed; empty when the target confirmed the access gone
     * @param confirmedAt when the target's answers (revoke, then verify) were all in
     */
    private record Removal(Optional<String> error, Instant confirmedAt) {
    }

    /**
     * Revokes and verifies at the target (asking first when {@code askFirst}: a takeover after a dead process),
     * then rotates. Never throws: a failure is the {@link Removal#error()}.
     */
    private Removal takeBack(Grant grant, Provisioned provisioned, boolean askFirst) {
        Optional<TargetAdapter> adapter = targets.adapter(grant.target());
        if (adapter.isEmpty()) {
            return new Removal(Optional.of("the target " + grant.target() + " is no longer configured"), clock.instant());
        }
        String error = null;
        try {
            boolean gone = askFirst && adapter.get().verifyRevoked(provisioned);
            if (!gone) {
                adapter.get().revoke(provisioned);
                gone = adapter.get().verifyRevoked(provisioned);
            }
            if (!gone) {
                error = "the target still grants access after the revoke (verify answered no)";
            } else {
                adapter.get().rotate();
            }
        } catch (TargetException e) {
            error = e.getMessage() == null ? "the target failed without a reason" : e.getMessage();
        } catch (RuntimeException e) {
            error = "the " + grant.target() + " adapter failed unexpectedly (" + e.getClass().getSimpleName() + ")";
        }
        return new Removal(Optional.ofNullable(error), clock.instant());
    }

    /** Records what {@link #takeBack} found for a grant claimed from {@code before}. */
    private Outcome settle(Grant claimed, Grant before, Removal removal) {
        return removal.error().isEmpty() ? recordEnd(claimed, before, removal.confirmedAt())
                : recordFailure(claimed, before, removal.error().get());
    }

    private Outcome recordEnd(Grant claimed, Grant before, Instant confirmedAt) {
        vault.destroy(claimed.id());
        boolean recovered = before.state() == GrantState.REVOKE_FAILED;
        return changes.change(claimed.id(), Action.END_ACCESS, g -> Reply.of(g.id(), " was already ended."), g -> {
            Grant ended = g.revocationSucceeded(clock.instant());
            // Measured to the target's confirmation (revoke and verify answered), not to when the call started.
            Duration lag = g.expiresAt().map(t -> Duration.between(t, confirmedAt))
                    .filter(d -> !d.isNegative()).orElse(Duration.ZERO);
            return Step.saveAll(ended, saved -> {
                List<GrantEvent> events = new java.util.ArrayList<>();
                events.add(switch (saved.state()) {
                    case EXPIRED -> new GrantEvent.Expired(saved, lag);
                    case ROLLED_BACK -> new GrantEvent.RolledBack(saved, saved.reason().orElse("provisioning did not finish"));
                    default -> GrantEvent.Revoked.of(saved);
                });
                if (recovered) {
                    events.add(new GrantEvent.RevocationRecovered(saved));
                }
                return events;
            }, Reply.of("Access of ", g.id(), " removed."), this::openReview);
        });
    }

    /** Access is gone: the post-mortem opens at once ({@link ReviewService#followUp}); a rollback has none. */
    private void openReview(Grant ended) {
        if (ended.awaitsReview()) {
            scheduler.schedule(ended.id(), GrantScheduler.Due.REVIEW, clock.instant());
        }
    }

    private Outcome recordFailure(Grant claimed, Grant before, String error) {
        int attempt = claimed.revocation().attempts();
        boolean first = before.state() != GrantState.REVOKE_FAILED;
        return change(claimed.id(), g -> {
            if (!g.state().holdsAccess() || g.revocation().attempts() != attempt) {
                return Step.stop(new Outcome.Unchanged(g, Reply.of(g.id(), " changed meanwhile.")));
            }
            Instant next = clock.instant().plus(timings.backoff(attempt));
            return Step.save(g.revocationFailed(error, next, clock.instant()),
                    saved -> new GrantEvent.RevocationFailed(saved, attempt, error, first),
                    Reply.of("Revoking ", g.id(), " failed: ", error, ". Retrying."),
                    saved -> scheduler.schedule(saved.id(), GrantScheduler.Due.REVOKE_RETRY, next));
        });
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
        Optional<String> problem = policy.justification().problem(why);
        if (problem.isPresent()) {
            return refused(Field.JUSTIFICATION, problem.get());
        }
        return change(id, grant -> {
            if (permissions.may(Act.EXTEND, grant, user) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            Optional<Step> notNow = Step.unless(grant, Action.REQUEST_EXTENSION, g -> Reply.of(g.id(), " is ",
                    word(g.state()), "; only active access can be extended."));
            if (notNow.isPresent()) {
                return notNow.get();
            }
            if (grant.extension().isPresent()) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.of("An extension of ", grant.id(),
                        " is already waiting for approval.")));
            }
            if (extending(grant) == Extending.UNSUPPORTED) {
                return Step.stop(new Outcome.Refused(Reply.of(grant.target(), " cannot move the end of access it has"
                        + " given, so ", grant.id(), " cannot be extended; request new access when this one ends.")));
            }
            TargetPolicy target = targetOf(grant);
            Duration cap = grant.emergency() ? target.emergency().map(EmergencyPolicy::maxDuration)
                    .orElse(target.maxDuration()) : target.maxDuration();
            Duration total = grant.duration().plus(more);
            if (total.compareTo(cap) > 0) {
                return Step.stop(new Outcome.Refused(Reply.of("Extending ", grant.id(), " by ",
                        DurationText.format(more), " would make ", DurationText.format(total), " in total; the most for ",
                        grant.target(), " is ", DurationText.format(cap), ". Ask for at most ",
                        DurationText.format(cap.minus(grant.duration()).isNegative() ? Duration.ZERO
                                : cap.minus(grant.duration())), ", or request new access."), Optional.of(Field.DURATION)));
            }
            Optional<Outcome> noStepUp = stepUpMissing(grant.target(), StepUpPolicy.Action.EXTEND, user, proof,
                    Reply.of("Extending ", grant.id()));
            if (noStepUp.isPresent()) {
                return Step.stop(noStepUp.get());
            }
            return Step.save(verified(grant.extensionRequested(more, why, clock.instant()), user, proof),
                    saved -> new GrantEvent.ExtensionRequested(saved, Actor.person(user)),
                    Reply.of("Asked for ", DurationText.format(more), " more on ", grant.id(), "; it needs ",
                            approvalsText(grant.approvalsRequired()), "."), saved -> { });
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
        return change(id, grant -> {
            Optional<Outcome> no = extensionDecisionRefused(grant, approver);
            if (no.isPresent()) {
                return Step.stop(no.get());
            }
            if (grant.extension().get().approvedBy().contains(approver)) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.of("You already approved this extension.")));
            }
            if (grant.extensionApproved()) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.of("The extension of ", grant.id(),
                        " is already approved and is being applied.")));
            }
            Optional<Outcome> noStepUp = stepUpMissing(grant.target(), StepUpPolicy.Action.APPROVE_EXTENSION, approver,
                    proof, Reply.of("Approving more time on ", grant.id()));
            if (noStepUp.isPresent()) {
                return Step.stop(noStepUp.get());
            }
            Duration added = grant.extension().get().duration();
            Grant next = verified(grant.extensionApprovedBy(approver, clock.instant()), approver, proof);
            if (!next.extensionApproved()) {
                return Step.save(next, saved -> new GrantEvent.ExtensionApprovalRecorded(saved, approver),
                        Reply.of("You approved the extension of ", grant.id(), "; it needs more approvals."),
                        saved -> { });
            }
            if (extending(grant) == Extending.MOVES_THE_END) {
                return Step.save(next, saved -> new GrantEvent.ExtensionApprovalRecorded(saved, approver),
                        Reply.of("You approved ", DurationText.format(added), " more on ", grant.id(),
                                "; the end is being moved at ", grant.target(), "."),
                        saved -> scheduler.schedule(saved.id(), GrantScheduler.Due.EXTEND, clock.instant()));
            }
            return Step.save(next.extended(Optional.empty(), clock.instant()),
                    saved -> new GrantEvent.Extended(saved, approver, added, Optional.empty()),
                    Reply.of("You approved ", DurationText.format(added), " more on ", grant.id(), "."),
                    this::scheduleEnd);
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
            return new Outcome.Refused(Reply.of("There is no grant ", id, "."));
        }
        Grant grant = found.get();
        if (grant.state() != GrantState.ACTIVE || !grant.extensionApproved() || grant.extendedEnd().isEmpty()
                || grant.revocation().revokedBy().isPresent()) {
            return new Outcome.Unchanged(grant, Reply.of(grant.id(), " has no approved extension to apply."));
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
            return change(id, g -> g.state() != GrantState.ACTIVE || !g.extensionApproved()
                    ? Step.stop(new Outcome.Unchanged(g, Reply.of(g.id(), " changed meanwhile.")))
                    : Step.save(g.extensionDropped(clock.instant()), saved -> new GrantEvent.ExtensionFailed(saved, why),
                    Reply.of("Extending ", g.id(), " failed at ", g.target(), ": ", why,
                            ". The access still ends at the old time."), saved -> { }));
        }
        moved.credentials().ifPresent(c -> vault.seal(grant.id(), c));
        Optional<String> fingerprint = moved.credentials().map(c -> c.fingerprint());
        Optional<String> handle = Optional.of(moved.handle()).filter(h -> !h.equals(grant.handle().orElse(null)));
        return change(id, g -> g.state() != GrantState.ACTIVE || !g.extensionApproved()
                ? Step.stop(new Outcome.Unchanged(g, Reply.of(g.id(), " changed meanwhile.")))
                : Step.save(g.extended(handle, clock.instant()),
                saved -> new GrantEvent.Extended(saved, approver, added, fingerprint),
                Reply.of(g.id(), " now ends ", DurationText.format(added), " later, at ", g.target(), " too."),
                this::scheduleEnd));
    }

    private Extending extending(Grant grant) {
        return targets.adapter(grant.target()).map(TargetAdapter::extending).orElse(Extending.UNSUPPORTED);
    }

    /** A peer refuses the pending extension, with a reason the requester sees. */
    public Outcome denyExtension(GrantId id, String approver, String reason) {
        String why = FreeText.strip(reason);
        Optional<String> problem = FreeText.DENY_REASON.problem(why);
        if (problem.isPresent()) {
            return refused(null, problem.get());
        }
        return change(id, grant -> {
            Optional<Outcome> no = extensionDecisionRefused(grant, approver);
            if (no.isPresent()) {
                return Step.stop(no.get());
            }
            return Step.save(grant.extensionDropped(clock.instant()),
                    saved -> new GrantEvent.ExtensionDenied(saved, approver, why),
                    Reply.of("You denied the extension of ", grant.id(), "."), saved -> { });
        });
    }

    private Optional<Outcome> extensionDecisionRefused(Grant grant, String approver) {
        Function<Grant, Reply> noneWaiting = g -> Reply.of(g.id(), " has no extension waiting.");
        Optional<Outcome> notNow = Step.whyNot(grant, Action.DECIDE_EXTENSION, noneWaiting);
        if (notNow.isPresent() || grant.extension().isEmpty()) {
            return notNow.or(() -> Optional.of(new Outcome.Unchanged(grant, noneWaiting.apply(grant))));
        }
        return permissions.may(Act.DECIDE_EXTENSION, grant, approver) instanceof Permission.Refused no
                ? Optional.of(new Outcome.Refused(no.reply())) : Optional.empty();
    }

    /** The handle revoke and verify get when none was stored: the adapter finds the access by grant id. */
    static final String UNKNOWN_HANDLE = "{}";

    /** Why the sweeper rolls back a PROVISIONING grant whose lease passed. */
    static final String ABANDONED = "provisioning did not finish (the process stopped before it recorded the result)";

    /**
     * Catches what a timer missed, so no deadline depends on one trigger: overdue access is revoked, due or
     * abandoned revocations retried, provisioning abandoned by a dead process rolled back (asking the target
     * first), requests past their timeout timed out, and approved grants that were never provisioned scheduled
     * again. Runs each action here, one after another: {@link #sweep(Executor)} runs them side by side.
     *
     * @return how many grants it acted on
     */
    public int sweep() {
        try {
            return sweep(Runnable::run).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * {@link #sweep()} with each grant's action run on {@code work}, so a target that hangs delays only its own
     * grants. Returns at once; every action is idempotent and claims its grant first, so one a later sweep starts
     * again while this one still runs changes nothing.
     *
     * @return how many grants it acted on, once every action finished; failed with the first failure of an action
     *         (the others still ran)
     */
    public CompletableFuture<Integer> sweep(Executor work) {
        Instant now = clock.instant();
        List<CompletableFuture<Boolean>> actions = new java.util.ArrayList<>();
        for (Grant g : store.findByState(java.util.EnumSet.of(GrantState.PENDING, GrantState.APPROVED,
                GrantState.PROVISIONING, GrantState.ACTIVE, GrantState.REVOKE_FAILED))) {
            if (g.revocation().claimedAt(now)) {
                continue;
            }
            Supplier<Outcome> action = null;
            if (g.state() == GrantState.ACTIVE && g.expiresAt().map(t -> !now.isBefore(t)).orElse(false)) {
                action = () -> expire(g.id());
            } else if (g.state() == GrantState.PROVISIONING) {
                action = () -> rollBackAbandoned(g.id());
            } else if (g.state() == GrantState.REVOKE_FAILED || (g.state() == GrantState.ACTIVE
                    && g.revocation().revokedBy().isPresent())) {
                action = () -> retryRevocation(g.id());
            } else if (g.state() == GrantState.PENDING && !now.isBefore(g.requestedAt().plus(policy.pendingTimeout()))) {
                action = () -> timeOut(g.id());
            } else if (g.state() == GrantState.ACTIVE && g.extensionApproved()
                    && !now.isBefore(g.updatedAt().plus(STUCK_APPROVED))) {
                // An approved extension that never reached the target (the process died): try it again.
                action = () -> {
                    scheduler.schedule(g.id(), GrantScheduler.Due.EXTEND, now);
                    return new Outcome.Done(g, Reply.of("Scheduled the extension of ", g.id(), " again."));
                };
            } else if (g.state() == GrantState.APPROVED && !now.isBefore(g.updatedAt().plus(STUCK_APPROVED))) {
                // Approved but never provisioned (the process died between saving and scheduling): schedule again.
                // provision() claims the grant (PROVISIONING) before asking the target, so this never provisions twice.
                action = () -> {
                    scheduler.schedule(g.id(), GrantScheduler.Due.PROVISION, now);
                    return new Outcome.Done(g, Reply.of("Scheduled provisioning of ", g.id(), " again."));
                };
            }
            if (action != null) {
                actions.add(CompletableFuture.supplyAsync(action, work).thenApply(o -> o instanceof Outcome.Done));
            }
        }
        return CompletableFuture.allOf(actions.toArray(CompletableFuture[]::new)).thenApply(all ->
                (int) actions.stream().filter(CompletableFuture::join).count());
    }

    /** A PROVISIONING grant whose lease passed: its process died; take back whatever the target made. */
    private Outcome rollBackAbandoned(GrantId id) {
        return endAccess(id, g -> g.state() == GrantState.PROVISIONING,
                (g, now, until) -> g.rollbackClaimed(Optional.empty(), ABANDONED, now, until));
    }

    private static String word(GrantState state) {
        return state.name().toLowerCase().replace('_', ' ');
    }

    /** The adapter refused before making anything: FAILED, if the grant is still the PROVISIONING copy we saved. */
    private Outcome fail(Grant mine, String reason) {
        String why = reason == null || reason.isBlank() ? "no reason given" : reason;
        return change(mine.id(), current -> current.version() != mine.version()
                ? Step.stop(new Outcome.Unchanged(current, Reply.of(current.id(), " changed meanwhile.")))
                : Step.save(current.failed(why, clock.instant()), saved -> new GrantEvent.ProvisioningFailed(saved, why),
                Reply.of("Provisioning ", current.id(), " failed: ", why), saved -> { }));
    }

    /**
     * Why {@code action} by {@code user} does not count yet: the policy asks for step-up on {@code target} and
     * {@code proof} does not vouch for {@code user} now. Empty when it may go on.
     *
     * @param what the action, for the message: "Approving BG-7"…
     */
    private Optional<Outcome> stepUpMissing(String target, StepUpPolicy.Action action, String user,
                                            Optional<StepUpProof> proof, Reply what) {
        if (!policy.stepUpRequired(target, action) || proof.filter(p -> p.vouchesFor(user, clock.instant())).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new Outcome.Refused(Reply.of(what, " needs step-up: enter the code from your authenticator"
                + " app in the form that the button (or /breakglass alone) opens. Nothing was changed."),
                Optional.of(Field.STEP_UP)));
    }

    /** {@code next}, recording that {@code user} passed step-up when {@code proof} vouches for them. */
    private Grant verified(Grant next, String user, Optional<StepUpProof> proof) {
        return proof.filter(p -> p.vouchesFor(user, clock.instant())).isPresent() ? next.withStepUpVerified(user) : next;
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
    private static Reply settled(Grant grant) {
        return switch (grant.state()) {
            case DENIED -> Reply.of(grant.id(), " was already denied by ", person(grant.decidedBy().orElse("?")), ".");
            case CANCELLED -> Reply.of(grant.id(), " was cancelled by its requester.");
            case TIMED_OUT -> Reply.of(grant.id(), " timed out before a decision.");
            case PENDING -> Reply.of(grant.id(), " is still pending.");
            default -> grant.emergency()
                    ? Reply.of(grant.id(), " was taken as emergency access by ", person(grant.requester()), ".")
                    : Reply.of(approvedByText(grant), " (now ", grant.state().name().toLowerCase().replace('_', ' '), ").");
        };
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

    /** Optional free text: stripped, and empty when blank (then no rule applies to it). */
    private static Optional<String> optional(Optional<String> text) {
        return text.map(FreeText::strip).filter(s -> !s.isEmpty());
    }

    private static Outcome refused(Field field, Object... pieces) {
        return new Outcome.Refused(Reply.of(pieces), Optional.ofNullable(field));
    }

    /** Read, decide, compare-and-set; on a lost race read again and decide again. */
    private Outcome change(GrantId id, Function<Grant, Step> decide) {
        return changes.change(id, decide);
    }
}

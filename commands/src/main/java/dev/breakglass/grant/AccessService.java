package dev.breakglass.grant;

import dev.breakglass.command.FreeText;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.GrantState.Action;
import dev.breakglass.policy.Permission;
import dev.breakglass.policy.Permissions.Act;
import dev.breakglass.policy.Permissions;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.CredentialVault;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Provisioning and the end of access: provision an approved grant through its target ({@link #provision}), warn
 * before the end, take access back at the end ({@link #expire}) or early ({@link #revoke}), retry failed
 * revocations, let a revoker mark one resolved by hand, and sweep what timers missed ({@link #sweep}). Once access
 * is confirmed gone the post-mortem is scheduled ({@code ReviewService.followUp}).
 *
 * <p>Every change goes through {@link GrantChanges}: a compare-and-set on the grant's version, read again and decided
 * again on a lost race, so two people clicking at once, in one process or two, give one outcome. Whether a step
 * applies, repeats harmlessly ({@link Outcome.Unchanged}) or is illegal ({@link Outcome.Refused}) is the
 * {@link GrantState.Action} table's; who may is {@link Permissions}'. A change's events are saved with it.
 */
public final class AccessService {
    /** An approved grant not provisioned after this long lost its provisioning timer. */
    private static final Duration STUCK_APPROVED = Duration.ofMinutes(2);
    /** The handle revoke and verify get when none was stored: the adapter finds the access by grant id. */
    static final String UNKNOWN_HANDLE = "{}";

    /** Why the sweeper rolls back a PROVISIONING grant whose lease passed. */
    static final String ABANDONED = "provisioning did not finish (the process stopped before it recorded the result)";

    private final GrantStore store;
    private final Policy policy;
    private final Permissions permissions;
    private final PeopleDirectory people;
    private final TargetRegistry targets;
    private final CredentialVault vault;
    private final GrantScheduler scheduler;
    private final Clock clock;
    private final RevocationTimings timings;
    private final RequestService requests;
    private final GrantChanges changes;
    private final WindowTimers window;

    /** @param requests times out the requests the sweep finds overdue */
    public AccessService(GrantStore store, Policy policy, Permissions permissions, PeopleDirectory people,
                         TargetRegistry targets, CredentialVault vault, GrantScheduler scheduler, Clock clock,
                         RevocationTimings timings, RequestService requests) {
        this.store = store;
        this.policy = policy;
        this.permissions = permissions;
        this.people = people;
        this.targets = targets;
        this.vault = vault;
        this.scheduler = scheduler;
        this.clock = clock;
        this.timings = timings;
        this.requests = requests;
        this.changes = new GrantChanges(store);
        this.window = new WindowTimers(policy, scheduler);
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
                g -> Reply.named("access.nothingToProvision", "id", g.id(), "state", g.state().word()),
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
            outcome = changes.change(mine.id(), current -> current.version() != mine.version()
                    ? Step.stop(new Outcome.Unchanged(current,
                    Reply.named("grant.changedMeanwhile", "id", current.id())))
                    : Step.save(current.activated(made.handle(), start),
                    saved -> new GrantEvent.Activated(saved, fingerprint),
                    Reply.named("access.active", "id", current.id()), window::schedule));
        } catch (RuntimeException e) {
            return rollBack(mine, made, "the grant could not be recorded as active (" + e.getClass().getSimpleName() + ")");
        }
        return outcome instanceof Outcome.Done ? outcome
                // the stored reason is shown on the card: say what happened, not the reply's key
                : rollBack(mine, made, "the grant could not be recorded as active: it changed meanwhile");
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
            claim = changes.change(mine.id(), g -> g.version() != mine.version()
                    ? Step.stop(new Outcome.Unchanged(g, Reply.named("grant.changedMeanwhile", "id", g.id())))
                    : Step.quiet(g.rollbackClaimed(handle, why, now, now.plus(timings.lease()))));
        } catch (RuntimeException storeFailing) {
            takeBack(mine, made.withoutCredentials(), false);
            return new Outcome.Refused(Reply.named("access.rollbackNotRecorded", "id", mine.id(),
                    "why", why));
        }
        if (claim instanceof Outcome.Done done) {
            return settle(done.grant(), mine, takeBack(done.grant(), made.withoutCredentials(), false));
        }
        if (claim instanceof Outcome.Unchanged u && u.grant().activatedAt().isEmpty()) {
            takeBack(u.grant(), made.withoutCredentials(), false);
        }
        return claim;
    }

    /**
     * The warning timer fired: tell the requester the window ends soon (unless it moved or already ended). The
     * warning is saved with the end it is about, so a timer fired again (a restart, a second replica) warns once;
     * an extension moves the end, and its own timer warns again.
     */
    public Outcome warn(GrantId id) {
        Function<Grant, Reply> noWarning = g -> Reply.named("access.noWarning", "id", g.id());
        return changes.change(id, Action.WARN, noWarning, grant -> {
            if (grant.expiresAt().isEmpty()
                    || clock.instant().plusSeconds(1).isBefore(grant.expiresAt().get().minus(window.warning(grant)))) {
                return Step.stop(new Outcome.Unchanged(grant, noWarning.apply(grant)));
            }
            if (grant.warnedOfCurrentEnd()) {
                return Step.stop(new Outcome.Unchanged(grant, Reply.named("access.alreadyWarned",
                        "id", grant.id())));
            }
            return Step.save(grant.warned(clock.instant()), GrantEvent.ExpiryWarned::new,
                    Reply.named("access.warned", "id", grant.id()), saved -> { });
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
        Optional<String> why = Words.optional(reason);
        Optional<Reply> problem = why.flatMap(FreeText.REVOKE_REASON::problem);
        if (problem.isPresent()) {
            return Words.refused(null, problem.get());
        }
        Optional<Grant> found = store.find(id);
        if (found.isEmpty()) {
            return new Outcome.Refused(Reply.named("permission.notVisible", "id", id));
        }
        Grant grant = found.get();
        if (permissions.may(Act.REVOKE, grant, by) instanceof Permission.Refused no) {
            return new Outcome.Refused(no.reply());
        }
        Optional<Outcome> notNow = Step.whyNot(grant, Action.REVOKE, g -> g.state() == GrantState.PROVISIONING
                ? Reply.named("access.beingProvisioned", "id", g.id())
                : Reply.named("access.nothingToRevoke", "id", g.id(), "state",
                g.state().word()));
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
        Optional<String> written = Words.optional(Optional.ofNullable(note));
        Optional<Reply> problem = written.flatMap(FreeText.RESOLVE_NOTE::problem);
        if (problem.isPresent()) {
            return Words.refused(null, problem.get());
        }
        String why = written.orElse("confirmed removed by hand");
        return changes.change(id, grant -> {
            if (permissions.may(Act.RESOLVE, grant, by) instanceof Permission.Refused no) {
                return Step.stop(new Outcome.Refused(no.reply()));
            }
            Optional<Step> notNow = Step.unless(grant, Action.RESOLVE, g -> Reply.named("access.notFailing",
                    "id", g.id(), "state", g.state().word()));
            if (notNow.isPresent()) {
                return notNow.get();
            }
            return Step.save(grant.revocationResolved(by, why, clock.instant()),
                    saved -> new GrantEvent.RevocationResolved(saved, by),
                    Reply.named("access.resolved", "id", grant.id()), saved -> {
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
                g -> Reply.named("access.holdsNoAccess", "id", g.id(), "state",
                        g.state().word()), g -> {
                    Instant now = clock.instant();
                    if (g.revocation().claimedAt(now)) {
                        return Step.stop(new Outcome.Unchanged(g, Reply.named("access.beingRevoked", "id", g.id())));
                    }
                    if (!due.test(g)) {
                        return Step.stop(new Outcome.Unchanged(g, Reply.named("access.notDue", "id", g.id())));
                    }
                    before[0] = g;
                    return Step.quiet(claim.claimed(g, now, now.plus(timings.lease())));
                });
        if (!(claimed instanceof Outcome.Done done)) {
            return claimed;
        }
        Grant mine = done.grant();
        boolean takeover = before[0].revocation().leaseUntil().isPresent();
        return settle(mine, before[0], takeBack(mine, stored(mine, clock.instant()), takeover));
    }

    /**
     * What {@code grant} holds on its target as the bot keeps it: the stored handle ({@value #UNKNOWN_HANDLE} when
     * none was stored, adapters then find the access by grant id), no credentials; the window's end, else
     * {@code now}. What revoke, verify and activity reads are handed.
     */
    public static Provisioned stored(Grant grant, Instant now) {
        return new Provisioned(new GrantRequest(grant.id(), grant.target(), grant.role(), grant.requester(),
                Optional.empty(), grant.expiresAt().orElse(now), grant.justification()),
                grant.handle().orElse(UNKNOWN_HANDLE), Optional.empty());
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
        return changes.change(claimed.id(), Action.END_ACCESS,
                g -> Reply.named("access.alreadyEnded", "id", g.id()), g -> {
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
            }, Reply.named("access.removed", "id", g.id()), this::openReview);
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
        return changes.change(claimed.id(), g -> {
            if (!g.state().holdsAccess() || g.revocation().attempts() != attempt) {
                return Step.stop(new Outcome.Unchanged(g, Reply.named("grant.changedMeanwhile", "id", g.id())));
            }
            Instant next = clock.instant().plus(timings.backoff(attempt));
            return Step.save(g.revocationFailed(error, next, clock.instant()),
                    saved -> new GrantEvent.RevocationFailed(saved, attempt, error, first),
                    Reply.named("access.revokeFailed", "id", g.id(), "error", error),
                    saved -> scheduler.schedule(saved.id(), GrantScheduler.Due.REVOKE_RETRY, next));
        });
    }

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
                action = () -> requests.timeOut(g.id());
            } else if (g.state() == GrantState.ACTIVE && g.extensionApproved()
                    && !now.isBefore(g.updatedAt().plus(STUCK_APPROVED))) {
                // An approved extension that never reached the target (the process died): try it again.
                action = () -> {
                    scheduler.schedule(g.id(), GrantScheduler.Due.EXTEND, now);
                    return new Outcome.Done(g, Reply.named("access.extensionRescheduled", "id", g.id()));
                };
            } else if (g.state() == GrantState.APPROVED && !now.isBefore(g.updatedAt().plus(STUCK_APPROVED))) {
                // Approved but never provisioned (the process died between saving and scheduling): schedule again.
                // provision() claims the grant (PROVISIONING) before asking the target, so this never provisions twice.
                action = () -> {
                    scheduler.schedule(g.id(), GrantScheduler.Due.PROVISION, now);
                    return new Outcome.Done(g, Reply.named("access.provisioningRescheduled", "id", g.id()));
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

    /** The adapter refused before making anything: FAILED, if the grant is still the PROVISIONING copy we saved. */
    private Outcome fail(Grant mine, String reason) {
        String why = reason == null || reason.isBlank() ? "no reason given" : reason;
        return changes.change(mine.id(), current -> current.version() != mine.version()
                ? Step.stop(new Outcome.Unchanged(current,
                    Reply.named("grant.changedMeanwhile", "id", current.id())))
                : Step.save(current.failed(why, clock.instant()), saved -> new GrantEvent.ProvisioningFailed(saved, why),
                Reply.named("access.provisioningFailed", "id", current.id(), "why", why), saved -> { }));
    }
}

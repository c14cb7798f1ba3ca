package dev.breakglass.activity;

import dev.breakglass.grant.AccessService;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.ActivityLog;
import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.GrantStore;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import dev.breakglass.port.TargetRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The use cases of activity under grants, the one way in for every producer: an adapter's {@link ActivitySource}
 * polled by the bot ({@link #poll}) and activity pushed to the bot ({@link #record}, {@code POST /activity}).
 *
 * <p>Recording window: activity is kept for a grant from provisioning (PROVISIONING, ACTIVE, REVOKE_FAILED: access
 * may exist) until {@link #grace} after access was confirmed removed (EXPIRED, REVOKED, REVIEWED, ROLLED_BACK),
 * because a session can outlive revoke and a session killed at revoke still writes its last lines to the target's
 * log. Activity for a grant that never held access (PENDING, APPROVED, DENIED, CANCELLED, TIMED_OUT, FAILED), for an
 * unknown grant, or after the grace window is refused and nothing is stored.
 *
 * <p>Each line is checked against the policy's flag phrases when it is recorded
 * ({@link dev.breakglass.policy.ActivityPolicy#flagged}: the target's, then the global ones), and a batch is stored in
 * one go with its source's new position ({@link ActivityLog#appendRead}), so a poll that restarts, or runs on two
 * replicas at once, stores no page twice. What was stored is returned, in order, so the feed and alerts happen after
 * the save.
 */
public final class ActivityService {
    /** How long after access was removed activity is still taken (a session can outlive revoke). */
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);
    /** The source name of what targets push ({@code POST /activity}) when the poster names none. */
    public static final String INGEST = "ingest";
    /** The position key of an adapter's own source (one per target adapter, per grant). */
    public static final String POLLED = "adapter";
    /** How many of the newest ended grants {@link #watched()} looks at for ones still inside the grace window. */
    static final int ENDED_READ_LIMIT = 1000;

    private static final Set<GrantState> HOLDING = EnumSet.of(GrantState.ACTIVE, GrantState.REVOKE_FAILED);
    private static final Set<GrantState> ENDED = EnumSet.of(GrantState.EXPIRED, GrantState.REVOKED,
            GrantState.REVIEWED, GrantState.ROLLED_BACK);

    private final GrantStore grants;
    private final TargetRegistry targets;
    private final ActivityLog log;
    private final Policy policy;
    private final Clock clock;
    private final Duration grace;

    /**
     * @param grace how long after access was removed activity is still taken; zero or more
     */
    public ActivityService(GrantStore grants, TargetRegistry targets, ActivityLog log, Policy policy, Clock clock,
                           Duration grace) {
        this.grants = Objects.requireNonNull(grants, "grants");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.log = Objects.requireNonNull(log, "log");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("the activity grace window must be zero or more");
        }
        this.grace = grace;
    }

    /** Why activity was not taken. */
    public enum Refusal {
        /** No grant has this id. */
        UNKNOWN_GRANT,
        /** The grant never held access (still pending, or it was denied, cancelled, timed out or failed). */
        NEVER_ACTIVE,
        /** Access was removed longer ago than the grace window. */
        ENDED
    }

    /** What {@link #record} came to. */
    public sealed interface Recording {
        /**
         * Stored, in order.
         *
         * @param grant the grant as stored now
         * @param rows  what was stored, with sequence numbers and flags
         */
        record Stored(Grant grant, List<ActivityLog.Recorded> rows) implements Recording {
            public Stored {
                rows = List.copyOf(rows);
            }
        }

        /** Nothing was stored. */
        record Refused(Refusal why) implements Recording {
        }
    }

    /** Whether {@code grant} takes activity at {@code now}; empty when it does, else why not. */
    public Optional<Refusal> window(Grant grant, Instant now) {
        return switch (grant.state()) {
            case PROVISIONING, ACTIVE, REVOKE_FAILED -> Optional.empty();
            case EXPIRED, REVOKED, REVIEWED, ROLLED_BACK -> now.isAfter(endOf(grant).plus(grace))
                    ? Optional.of(Refusal.ENDED) : Optional.empty();
            case PENDING, APPROVED, DENIED, CANCELLED, TIMED_OUT, FAILED -> Optional.of(Refusal.NEVER_ACTIVE);
        };
    }

    /** The grace window after access was removed. */
    public Duration grace() {
        return grace;
    }

    /** When access was confirmed removed; for rows stored without that moment, the last change. */
    private static Instant endOf(Grant grant) {
        return grant.revocation().endedAt().orElse(grant.updatedAt());
    }

    /**
     * Stores activity pushed for grant {@code id} (all {@code activities} must be of it) under {@code source},
     * flagged by the policy, in one go; the source has no position.
     *
     * @throws IllegalArgumentException when an activity is of another grant (nothing is stored)
     */
    public Recording record(GrantId id, String source, List<Activity> activities) {
        for (Activity a : activities) {
            if (!a.grant().equals(id)) {
                throw new IllegalArgumentException("an activity of " + a.grant() + " cannot be recorded under " + id);
            }
        }
        Optional<Grant> grant = grants.find(id);
        if (grant.isEmpty()) {
            return new Recording.Refused(Refusal.UNKNOWN_GRANT);
        }
        Instant now = clock.instant();
        Optional<Refusal> refused = window(grant.get(), now);
        if (refused.isPresent()) {
            return new Recording.Refused(refused.get());
        }
        return new Recording.Stored(grant.get(), log.append(id, source, activities, flags(grant.get(), activities),
                Optional.empty(), now));
    }

    /**
     * The grants whose adapter should be read now: holding access (ACTIVE, REVOKE_FAILED), or ended within the grace
     * window, with a target whose adapter offers an {@link ActivitySource}. Ended grants are looked for among the
     * newest {@value #ENDED_READ_LIMIT} ended ones (a bounded read every few seconds; more grants than that ending
     * within one grace window is far beyond what one bot serves).
     */
    public List<Grant> watched() {
        Set<String> watching = new java.util.HashSet<>();
        for (String target : policy.targets().keySet()) {
            if (targets.adapter(target).flatMap(TargetAdapter::activity).isPresent()) {
                watching.add(target);
            }
        }
        if (watching.isEmpty()) {
            return List.of(); // no target can watch itself: nothing to read, not even the grants
        }
        Instant now = clock.instant();
        List<Grant> out = new ArrayList<>(grants.findByState(HOLDING));
        for (Grant g : grants.findNewestByState(ENDED, ENDED_READ_LIMIT)) {
            if (g.activatedAt().isPresent() && window(g, now).isEmpty()) {
                out.add(g);
            }
        }
        out.removeIf(g -> !watching.contains(g.target()));
        return out;
    }

    private Optional<ActivitySource> source(Grant g) {
        return targets.adapter(g.target()).flatMap(TargetAdapter::activity);
    }

    /**
     * Reads {@code grant}'s adapter once from its stored position and stores what it read with the new position.
     * Nothing happens outside the recording window, or when the target offers no source.
     *
     * @return what was stored, in order; empty when nothing new was read
     * @throws TargetException                when the source cannot be read now (the position stays: read again
     *                                        next time, nothing is lost)
     * @throws ActivityLog.PositionMoved      when another reader stored this page first (nothing stored)
     * @throws IllegalArgumentException       when the source answered activity of another grant (nothing stored)
     */
    public List<ActivityLog.Recorded> poll(Grant grant) throws TargetException {
        Optional<ActivitySource> source = source(grant);
        Instant now = clock.instant();
        if (source.isEmpty() || window(grant, now).isPresent() || grant.activatedAt().isEmpty()) {
            return List.of();
        }
        Optional<String> from = log.position(grant.id(), POLLED);
        ActivitySource.Page page = source.get().read(AccessService.stored(grant, now), from);
        if (page.activities().isEmpty() && from.isPresent() && from.get().equals(page.position())) {
            return List.of(); // nothing new, nothing to write
        }
        return log.appendRead(grant.id(), POLLED, from, page.position(), page.activities(),
                flags(grant, page.activities()), clock.instant());
    }

    /** The flag phrase each activity matches on the grant's target, or null. */
    private List<String> flags(Grant grant, List<Activity> activities) {
        List<String> out = new ArrayList<>(activities.size());
        for (Activity a : activities) {
            out.add(policy.activity().flagged(grant.target(), a.detail()).orElse(null));
        }
        return out;
    }
}

package dev.breakglass.port;

import dev.breakglass.activity.Activity;
import dev.breakglass.grant.GrantId;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where what was done under grants is kept for the review: every {@link Activity} (masked, see
 * {@link dev.breakglass.activity.SecretMask}), in the order it was recorded, with the flag phrase it matched, and
 * each capture's read position.
 *
 * <p>Contract: {@link #append} stores the activities and the new position of their source in one transaction, so a
 * crash either keeps both or neither and a restarted poll reads nothing twice; appending an empty list only moves
 * the position. Sequence numbers grow in recording order across all grants. Nothing is ever updated or deleted.
 */
public interface ActivityLog {

    /**
     * Stores {@code activities} (all of {@code grant}) and, when given, the position {@code source} reached.
     *
     * @param flags    for each activity, the flag phrase it matched, or null; same size as {@code activities}
     * @param position the position to resume {@code source} from; empty keeps the stored one
     * @return what was stored, with sequence numbers, in order
     * @throws IllegalArgumentException when an activity is of another grant or the sizes differ
     */
    List<Recorded> append(GrantId grant, String source, List<Activity> activities, List<String> flags,
                          Optional<String> position, Instant recordedAt);

    /**
     * Stores what {@code source} read from {@code from} and moves its position to {@code to}, only while the stored
     * position is still {@code from}: of two readers that read the same page (two replicas, a poll that outlived its
     * deadline), one stores it and the other gets {@link PositionMoved} with nothing stored, so no page is kept twice.
     *
     * @param from the position the read started at, as {@link #position} gave it; empty for the first read
     * @throws PositionMoved            when the stored position is no longer {@code from}
     * @throws IllegalArgumentException as {@link #append}
     */
    List<Recorded> appendRead(GrantId grant, String source, Optional<String> from, String to,
                              List<Activity> activities, List<String> flags, Instant recordedAt);

    /** Where {@code source} stopped reading {@code grant}'s activity; empty before its first read. */
    Optional<String> position(GrantId grant, String source);

    /** The grant's activity, oldest recorded first; empty for an unknown grant. */
    List<Recorded> of(GrantId grant);

    /** Up to {@code limit} activities of every grant after sequence number {@code after}, in order (for exports). */
    List<Recorded> after(long after, int limit);

    /** Another reader stored the page first; nothing was stored. */
    final class PositionMoved extends RuntimeException {
        public PositionMoved(GrantId grant, String source) {
            super("the position of " + source + " for " + grant + " moved while it was read", null, false, false);
        }
    }

    /** The grant's activity recorded after sequence number {@code after}, oldest first, at most {@code limit}. */
    List<Recorded> of(GrantId grant, long after, int limit);

    /**
     * One stored activity.
     *
     * @param seq        where it lies in recording order
     * @param activity   the activity, masked
     * @param flag       the flag phrase it matched when it was recorded
     * @param recordedAt when the bot stored it
     */
    record Recorded(long seq, Activity activity, Optional<String> flag, Instant recordedAt) {
        public Recorded {
            Objects.requireNonNull(activity, "activity");
            Objects.requireNonNull(flag, "flag");
            Objects.requireNonNull(recordedAt, "recordedAt");
        }
    }
}

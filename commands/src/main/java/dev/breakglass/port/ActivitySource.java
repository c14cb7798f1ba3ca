package dev.breakglass.port;

import dev.breakglass.activity.Activity;
import dev.breakglass.activity.Completeness;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an adapter that can watch its target offers: the actions done under a grant, read a page at a time from a
 * stored position, so that a restarted bot resumes where it stopped and reads nothing twice.
 *
 * <p>An optional capability: a {@link TargetAdapter} offers it through {@link TargetAdapter#activity()}, which is
 * empty by default (plugins written before activity capture keep working; their grants simply show no activity
 * unless something pushes it, through the signed {@code POST /activity}). The bot polls while a grant holds
 * access and for a grace window after it ends (a session can outlive revoke):
 * {@link dev.breakglass.activity.ActivityService#poll}.
 *
 * <p>Contract: {@link #read} returns actions in the order they happened, each once across calls when the bot
 * passes back the position it was last given; a position the source no longer understands (a rotated log) starts
 * from the oldest record still there rather than failing. It may block and reports failure by throwing
 * {@link TargetException}; the bot keeps the old position and tries again on the next poll. Details may hold
 * secrets as the target saw them: {@link Activity} masks them on construction.
 */
public interface ActivitySource {

    /** Whether this source sees every action ({@link Completeness#COMPLETE}) or samples them. */
    Completeness completeness();

    /**
     * The actions of {@code provisioned}'s grant after {@code position}.
     *
     * @param provisioned what the grant holds on the target (its handle says whose actions to read)
     * @param position    what the previous call returned; empty on the first call
     * @throws TargetException when the target cannot be read now
     */
    Page read(Provisioned provisioned, Optional<String> position) throws TargetException;

    /**
     * One read.
     *
     * @param activities what happened, oldest first; may be empty
     * @param position   where the next read starts; never secret, at most 1000 characters
     */
    record Page(List<Activity> activities, String position) {
        public Page {
            activities = List.copyOf(activities);
            Objects.requireNonNull(position, "position");
            if (position.length() > 1000) {
                throw new IllegalArgumentException("position is longer than 1000 characters");
            }
        }
    }
}

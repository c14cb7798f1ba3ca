package dev.breakglass.port;

import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.grant.NewGrant;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Where grants live, and what happened to them. The database is the source of truth; every state change goes
 * through {@link #update}, a compare-and-set on (id, version), so two approvers clicking at once — even on two
 * replicas — produce exactly one outcome.
 *
 * <p>A change and its events are one: {@link #create} and {@link #update} store the grant and the events of the
 * saved grant in the same transaction (the outbox), and {@link #record} stores an event that changes no state. Who
 * hears of an event (the audit log, Slack, metrics) is the store's side, not the use case's: a process that dies right
 * after a save loses no event, because delivery starts from what was stored, after the commit.
 */
public interface GrantStore {

    /**
     * Stores a new PENDING grant at version 1 and the {@code events} of it in one transaction; returns it with
     * its id. Ids only grow.
     */
    Grant create(NewGrant request, Function<Grant, List<GrantEvent>> events);

    /** The grant with this id, or empty when there is none. */
    Optional<Grant> find(GrantId id);

    /**
     * Saves {@code changed} if the stored copy is still at {@code changed.version()}, together with the
     * {@code events} of the saved grant (called once, only when the save wins; none is stored otherwise).
     *
     * @return the saved grant, its version one higher; empty when another writer got there first
     *         (re-read and decide again) or when the grant does not exist
     */
    Optional<Grant> update(Grant changed, Function<Grant, List<GrantEvent>> events);

    /**
     * Stores an event that changes no state (an emergency offer, a reveal), in its own transaction.
     *
     * @param oncePerGrant when true, a second event of the same kind for the same grant is not stored: a timer that
     *                     fires again after a crash does not repeat its message
     * @return whether it was stored (false only for a repeat of a once-per-grant event)
     */
    boolean record(GrantEvent event, boolean oncePerGrant);

    /** How many grants {@code requester} asked for at or after {@code since} (in any state). */
    int countRequestedSince(String requester, java.time.Instant since);

    /**
     * The newest {@code limit} grants in any of these states (highest ids), oldest of them first: a bounded read
     * for what people look at (App Home, {@code /breakglass list}), however many grants pile up.
     */
    List<Grant> findNewestByState(Set<GrantState> states, int limit);

    /** Grants in any of these states, oldest first. */
    List<Grant> findByState(Set<GrantState> states);

    /**
     * Grants whose post-mortem has work due at {@code now}, oldest first: access gone (EXPIRED or REVOKED) and
     * the post-mortem not opened yet, or its next reminder due at or before {@code now}. A REVIEWED grant, or one
     * whose review is written or not required (no next reminder), is never listed once opened.
     */
    List<Grant> findPostMortemsDue(java.time.Instant now);
}

package dev.breakglass.port;

import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.grant.NewGrant;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where grants live. The database is the source of truth; every state change goes through
 * {@link #update}, a compare-and-set on (id, version), so two approvers clicking at once — even on two
 * replicas — produce exactly one outcome.
 */
public interface GrantStore {

    /** Stores a new PENDING grant at version 1 and returns it with its id; ids only grow. */
    Grant create(NewGrant request);

    /** The grant with this id, or empty when there is none. */
    Optional<Grant> find(GrantId id);

    /**
     * Saves {@code changed} if the stored copy is still at {@code changed.version()}.
     *
     * @return the saved grant, its version one higher; empty when another writer got there first
     *         (re-read and decide again) or when the grant does not exist
     */
    Optional<Grant> update(Grant changed);

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

package dev.breakglass.port;

import dev.breakglass.grant.GrantId;

/**
 * Where issued credentials wait for the requester's Reveal click: encrypted at rest, readable a limited number of
 * times, destroyed when the access ends. Nothing else in the system ever holds them.
 *
 * <p>A reveal is taken ({@link #reveal}), shown, and given back ({@link #giveBack}) when showing failed: so it
 * counts only once the requester could see it, and two concurrent clicks still cannot both take the last one.
 */
public interface CredentialVault {

    /** Stores (encrypted) the credentials of a grant, replacing any earlier ones for it. */
    void seal(GrantId grant, Credentials credentials);

    /**
     * Hands the credentials out once more, if the grant has any left to reveal; counts the reveal atomically, so
     * two concurrent clicks with a limit of 1 reveal once.
     *
     * @param limit how many reveals the policy allows in total (at least 1)
     */
    Reveal reveal(GrantId grant, int limit);

    /**
     * Takes back one counted reveal that never reached the requester (the chat refused to show it), so they keep
     * it. Nothing stored, or nothing counted, is fine: the count never goes below zero.
     */
    void giveBack(GrantId grant);

    /** Destroys the grant's credentials; nothing to destroy is fine. */
    void destroy(GrantId grant);

    /** What a reveal attempt found. */
    sealed interface Reveal {
        /** The credentials, and how many reveals remain after this one. */
        record Revealed(Credentials credentials, int remaining) implements Reveal {}

        /** Revealed {@code limit} times already. */
        record Exhausted(int limit) implements Reveal {}

        /** Nothing stored: never issued, or destroyed when the access ended. */
        record Gone() implements Reveal {}
    }
}

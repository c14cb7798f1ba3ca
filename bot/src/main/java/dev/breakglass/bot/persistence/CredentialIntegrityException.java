package dev.breakglass.bot.persistence;

import dev.breakglass.grant.GrantId;

/**
 * Sealed credentials that cannot be opened: sealed with another key (a replica or restart with a different
 * {@code BREAKGLASS_ENCRYPTION_KEY} or key file), altered in the database, copied from another grant's row, or
 * written in a format this build does not know. Never a normal outcome, so not one of the vault's
 * {@code Reveal} answers: an operational fault like a database error, to alert on.
 *
 * <p>The message names the grant and what to check; it never holds key material, ciphertext or credentials, and
 * no cause from the cipher is attached (its messages are not meant for logs).
 */
public class CredentialIntegrityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient GrantId grant;

    /**
     * @param grant  whose credentials could not be opened
     * @param reason what was found, without secrets (like "authentication failed")
     */
    public CredentialIntegrityException(GrantId grant, String reason) {
        super("the sealed credentials of " + grant + " cannot be opened (" + reason + "): sealed with another "
                + "encryption key, altered, or copied from another grant's row; check that every replica uses the "
                + "same BREAKGLASS_ENCRYPTION_KEY or key file");
        this.grant = grant;
    }

    /** The grant whose credentials could not be opened. */
    public GrantId grant() {
        return grant;
    }
}

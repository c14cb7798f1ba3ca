package dev.breakglass.port;

import java.time.Instant;

/**
 * The SPI every target system implements: built-ins ({@code postgres}, {@code webhook}, …) and third-party
 * plugins alike. One instance serves one configured target; {@link TargetAdapterFactory} makes it from the
 * target's policy settings.
 *
 * <p>Contract: {@link #grant} provisions real access that ends by itself at {@link GrantRequest#expiresAt()} where
 * the target allows it; {@link #revoke} is idempotent (revoking what is already gone succeeds) and ends live
 * sessions; {@link #verifyRevoked} checks from the target's side that the access no longer works. Every method
 * may block (network, processes) and reports failure by throwing {@link TargetException}; none may log or
 * return secrets except in {@link Provisioned#credentials()}.
 */
public interface TargetAdapter {

    /** Provisions access for one approved grant. Nothing may be left half-made when this throws. */
    Provisioned grant(GrantRequest request) throws TargetException;

    /** Removes the access and ends its live sessions. Idempotent. */
    void revoke(Provisioned provisioned) throws TargetException;

    /**
     * Revokes as {@link #revoke} does and reports what the grant's login left behind on the target and how each
     * object was made harmless (e.g. handed to an owner without privileges). The bot calls this one and records
     * the report in the audit log and the post-mortem; by default it calls {@link #revoke} and reports
     * {@link RevokeReport#NOTHING}, so adapters that leave nothing behind need not change. An adapter that
     * overrides it should make {@link #revoke} do the same work.
     */
    default RevokeReport revokeAndReport(Provisioned provisioned) throws TargetException {
        revoke(provisioned);
        return RevokeReport.NOTHING;
    }

    /** True when the access provably no longer works; false is a revocation failure. */
    boolean verifyRevoked(Provisioned provisioned) throws TargetException;

    /**
     * How an extension reaches this target. The default, {@link Extending#UNSUPPORTED}, keeps plugins written
     * before extensions reached targets safe: their grants cannot be extended (the requester is told why) rather
     * than ending at the target before the bot's new end.
     */
    default Extending extending() {
        return Extending.UNSUPPORTED;
    }

    /**
     * Moves the end of live access to {@code newEnd} (later than the current end); called only when
     * {@link #extending()} is {@link Extending#MOVES_THE_END}. Returns what the grant holds from now on: the same
     * or a new handle and, when the target had to issue new credentials (a certificate for the new window), those
     * credentials, shown to the requester like the first ones. Retried calls for the same end must be harmless.
     *
     * @throws TargetException when the end could not be moved: the old end stays in force
     */
    default Provisioned extend(Provisioned provisioned, Instant newEnd) throws TargetException {
        throw new TargetException("this target cannot move the end of access");
    }

    /**
     * How the bot sees what is done under this target's grants, for adapters that can watch their target (e.g.
     * {@code postgres} reading its server log). Empty by default: the grant's activity then comes only from
     * outside (the signed {@code POST /activity}). See docs/adapters.md.
     */
    default java.util.Optional<ActivitySource> activity() {
        return java.util.Optional.empty();
    }

    /** Rotates shared secrets after use, for targets that have them; by default there is nothing to rotate. */
    default void rotate() throws TargetException {
    }
}

package dev.breakglass.port;

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

    /** Rotates shared secrets after use, for targets that have them; by default there is nothing to rotate. */
    default void rotate() throws TargetException {
    }
}

package dev.breakglass.port;

/**
 * What an approved extension needs from a target ({@link TargetAdapter#extending()}), so that access never ends
 * at the target before the bot's new end.
 */
public enum Extending {
    /**
     * The access carries its end (a PostgreSQL {@code VALID UNTIL}, a certificate's validity, a webhook target's
     * {@code expires_at}): the adapter's {@link TargetAdapter#extend} must move it before the bot moves its timer.
     */
    MOVES_THE_END,
    /** The access lasts until revoked (a MySQL account, a Kubernetes binding): moving the bot's timer is enough. */
    NO_BUILT_IN_END,
    /** The target cannot move the end: an extension is refused when it is asked for, with this reason. */
    UNSUPPORTED
}

package dev.breakglass.bot.audit;

/**
 * A place outside the database that keeps a copy of each published {@link Checkpoint} (the security channel, the
 * SIEM), so that a database admin who cuts or rewrites the log cannot also take back what was published.
 */
public interface CheckpointWitness {
    /**
     * Hands the checkpoint over.
     *
     * @return false when this witness is not configured (nothing was sent); true once it accepted the checkpoint
     * @throws RuntimeException when it is configured but refused or could not be reached (logged by the caller)
     */
    boolean publish(Checkpoint checkpoint);
}

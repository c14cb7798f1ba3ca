package dev.breakglass.activity;

/**
 * How much of a grant's activity a capture sees, shown beside every line so nobody mistakes a sample for the
 * whole story.
 */
public enum Completeness {
    /** Every action, read from the target's own record (e.g. the PostgreSQL server log). */
    COMPLETE,
    /** What a periodic look happened to catch (e.g. {@code pg_stat_activity}): short actions can be missed. */
    SAMPLED;

    /** The word used in exports and the audit log: {@code complete} or {@code sampled}. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

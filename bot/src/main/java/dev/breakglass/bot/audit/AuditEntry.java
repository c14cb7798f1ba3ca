package dev.breakglass.bot.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One audit record.
 *
 * @param seq      position in the chain, from 1, without gaps
 * @param grant    the grant's number ({@code BG-<n>})
 * @param type     the event, e.g. {@code Approved}, {@code RevocationFailed}
 * @param actor    who caused it: a Slack user id, or {@code system} for timers and the target's answers
 * @param details  what else matters (state, target, role, duration, reason, error, attempt…): never secrets;
 *                 values are strings, numbers or booleans
 * @param prevHash the previous entry's hash (64 zeros before the first)
 * @param hash     SHA-256 of {@code prevHash} followed by {@link AuditChain#canonical} of this entry
 */
public record AuditEntry(long seq, Instant at, long grant, String type, String actor, Map<String, Object> details,
                         String prevHash, String hash) {
    /** The actor of what timers, the sweeper and the targets' answers cause. */
    public static final String SYSTEM = "system";

    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(actor, "actor");
        details = java.util.Collections.unmodifiableMap(new TreeMap<>(details));
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
    }
}

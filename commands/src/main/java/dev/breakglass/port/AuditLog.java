package dev.breakglass.port;

import dev.breakglass.grant.GrantId;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The audit trail, as the use cases read it: one grant's timeline. Writing it is the delivery of the grant's events
 * (each one, once, in order), which is the adapter's business, not a use case's.
 */
public interface AuditLog {

    /**
     * One entry of a timeline.
     *
     * @param type    the event, e.g. {@code Approved}, {@code RevocationFailed}, or a target call
     * @param actor   a chat user id, or {@code system} for the bot's own work
     * @param details what else matters, by name in order: never secrets; values are strings, numbers or booleans
     */
    record Entry(Instant at, String type, String actor, Map<String, Object> details) {
        public Entry {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(actor, "actor");
            details = Collections.unmodifiableMap(new TreeMap<>(details));
        }
    }

    /** Every entry about {@code grant}, oldest first; empty for a grant with none. */
    List<Entry> timeline(GrantId grant);
}

package dev.breakglass.grant;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A request as the person filled it in (command line or form), not yet checked against the policy.
 *
 * @param role     empty: the target's default role
 * @param duration empty: the target's default duration
 * @param incident the incident reference, if one was given
 * @param kind     the id of the emergency kind it is for, if one was named
 */
public record RequestDraft(String target, Optional<String> role, Optional<Duration> duration, String justification,
                           Optional<String> incident, Optional<String> kind) {
    public RequestDraft {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(justification, "justification");
        Objects.requireNonNull(incident, "incident");
        Objects.requireNonNull(kind, "kind");
    }

    /** A request that names no emergency kind (for a policy without {@code emergencies:}). */
    public RequestDraft(String target, Optional<String> role, Optional<Duration> duration, String justification,
                        Optional<String> incident) {
        this(target, role, duration, justification, incident, Optional.empty());
    }
}

package dev.breakglass.port;

import java.util.Optional;

/** The configured adapter of each target, made once at start from the policy. */
public interface TargetRegistry {
    /** The adapter for {@code target}; empty for a target the policy does not name. */
    Optional<TargetAdapter> adapter(String target);
}

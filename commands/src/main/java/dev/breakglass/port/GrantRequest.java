package dev.breakglass.port;

import dev.breakglass.grant.GrantId;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a target adapter is asked to provision: who, on what, with which role, until when, and why.
 *
 * @param email     the requester's email from Slack's profile, when Slack has one
 * @param expiresAt the end of the access window; adapters build it into the access where the target allows
 */
public record GrantRequest(GrantId id, String target, Optional<String> role, String slackUserId,
                           Optional<String> email, Instant expiresAt, String justification) {
    public GrantRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(slackUserId, "slackUserId");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(justification, "justification");
    }

    /** The same request with the window ending at {@code end} instead: what an extended grant holds. */
    public GrantRequest endingAt(Instant end) {
        return new GrantRequest(id, target, role, slackUserId, email, end, justification);
    }
}

package dev.breakglass.port;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of a grant: the adapter's handle (stored, and handed back for revoke and verify) and, once, the
 * credentials for the requester.
 *
 * @param request     the grant this was provisioned for
 * @param handle      adapter-defined text identifying what was made (JSON recommended); never secret
 * @param credentials secret credentials, present only straight after {@link TargetAdapter#grant}; when the bot
 *                    hands a stored grant back for revoke or verify they are empty
 */
public record Provisioned(GrantRequest request, String handle, Optional<Credentials> credentials) {
    public Provisioned {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(credentials, "credentials");
    }

    /** The same provisioning without its credentials: what is kept after they were stored away. */
    public Provisioned withoutCredentials() {
        return new Provisioned(request, handle, Optional.empty());
    }

    /**
     * The same access with its window ending at {@code end} instead: the handle stays and there are no new
     * credentials. What an adapter that moves the end in place returns from {@link TargetAdapter#extend}.
     */
    public Provisioned endingAt(java.time.Instant end) {
        return new Provisioned(request.endingAt(Objects.requireNonNull(end, "end")), handle, Optional.empty());
    }
}

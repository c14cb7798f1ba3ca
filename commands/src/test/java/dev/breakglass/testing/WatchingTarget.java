package dev.breakglass.testing;

import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;

import java.util.Optional;

/**
 * A target adapter for tests of activity capture: grants a made-up role {@code bg_<n>} (no credentials), revokes
 * at once, and offers {@code source} (none when empty). Shared by the core's and the bot's tests (core test jar).
 */
public record WatchingTarget(Optional<ActivitySource> source) implements TargetAdapter {
    @Override
    public Provisioned grant(GrantRequest request) {
        return new Provisioned(request, "{\"role\":\"bg_" + request.id().value() + "\"}", Optional.empty());
    }

    @Override
    public void revoke(Provisioned provisioned) {
    }

    @Override
    public boolean verifyRevoked(Provisioned provisioned) {
        return true;
    }

    @Override
    public Optional<ActivitySource> activity() {
        return source;
    }
}

package dev.breakglass.bot.architecture.slack.outbound;

import dev.breakglass.bot.architecture.slack.inbound.Handler;

/** Test-only: an outbound class reaching back into inbound, which {@code ArchitectureTest} must refuse. */
public final class AsksInbound {
    public int ask() {
        return new Handler().handle();
    }
}

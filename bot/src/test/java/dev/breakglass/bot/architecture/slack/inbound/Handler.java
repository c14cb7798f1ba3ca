package dev.breakglass.bot.architecture.slack.inbound;

import dev.breakglass.bot.architecture.slack.outbound.Poster;

/** Test-only: an inbound class that uses an outbound one, the allowed direction. */
public final class Handler {
    public int handle() {
        return new Poster().post();
    }
}

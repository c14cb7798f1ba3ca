package dev.breakglass.bot.architecture.slack.outbound;

/** Test-only: an outbound class that uses nothing inbound. */
public final class Poster {
    public int post() {
        return 1;
    }
}

package dev.breakglass.bot.adapter.webhook;

import java.time.Duration;

/** Waits between attempts; tests pass one that records the pauses instead of waiting. */
@FunctionalInterface
public interface Sleeper {

    /** Pauses the calling thread; an interrupt ends the pause and the call that was waiting. */
    void sleep(Duration duration) throws InterruptedException;

    /** {@link Thread#sleep}. */
    static Sleeper real() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}

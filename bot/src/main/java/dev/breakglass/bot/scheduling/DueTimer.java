package dev.breakglass.bot.scheduling;

import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantScheduler.Due;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored grant timer as a poller claimed it: what is due for which grant, when it was due (by the machine's clock,
 * see {@link JdbcGrantScheduler}), and the version of the row it claimed — a timer scheduled again after the claim
 * has another version, so finishing this one leaves the new one in place.
 */
public record DueTimer(GrantId grant, Due due, Instant dueAt, long version) {
    public DueTimer {
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(due, "due");
        Objects.requireNonNull(dueAt, "dueAt");
    }
}

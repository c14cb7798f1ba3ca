package dev.breakglass.grant;

import dev.breakglass.policy.Policy;
import dev.breakglass.port.GrantScheduler;
import java.time.Duration;
import java.time.Instant;

/** The timers of an active grant's window: the warning before its end and the expiry at its end. */
final class WindowTimers {
    private final Policy policy;
    private final GrantScheduler scheduler;

    WindowTimers(Policy policy, GrantScheduler scheduler) {
        this.policy = policy;
        this.scheduler = scheduler;
    }

    /** Schedules the warning and the expiry of an active grant's current window. */
    void schedule(Grant active) {
        Instant end = active.expiresAt().orElseThrow();
        scheduler.schedule(active.id(), GrantScheduler.Due.EXPIRE, end);
        scheduler.schedule(active.id(), GrantScheduler.Due.WARN, end.minus(warning(active)));
    }

    /** How long before the end the requester is warned: the policy's warn-before, or half of a short grant. */
    Duration warning(Grant grant) {
        Duration before = policy.warnBefore();
        return grant.duration().compareTo(before.multipliedBy(2)) < 0 ? grant.duration().dividedBy(2) : before;
    }
}

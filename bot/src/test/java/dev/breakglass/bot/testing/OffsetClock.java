package dev.breakglass.bot.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Real time plus an offset the test moves forward: "ten minutes later" without waiting, while signatures,
 * trigger ids and the bot all still agree on one clock. Registered by name so a test's application context
 * can find its clock ({@link TestClockFactory}).
 */
public final class OffsetClock extends Clock {
    private static final Map<String, OffsetClock> BY_NAME = new ConcurrentHashMap<>();
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    private final String name;

    private OffsetClock(String name) {
        this.name = name;
    }

    /** A new clock at real time, findable by its name. */
    public static OffsetClock create(String name) {
        OffsetClock clock = new OffsetClock(name);
        BY_NAME.put(name, clock);
        return clock;
    }

    static OffsetClock named(String name) {
        OffsetClock clock = BY_NAME.get(name);
        if (clock == null) {
            throw new IllegalStateException("no test clock named " + name);
        }
        return clock;
    }

    public String name() {
        return name;
    }

    public void advance(Duration d) {
        offset.updateAndGet(o -> o.plus(d));
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}

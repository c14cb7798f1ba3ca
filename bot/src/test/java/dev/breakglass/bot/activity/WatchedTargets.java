package dev.breakglass.bot.activity;

import dev.breakglass.activity.Activity;
import dev.breakglass.activity.Completeness;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetAdapterFactory;
import dev.breakglass.port.TargetException;
import dev.breakglass.testing.WatchingTarget;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test targets of type {@value #TYPE} that can watch themselves: each keeps a log of what was "done" under each grant
 * (a test {@link #run}s statements on it), and its {@link ActivitySource} reads that log from a position (the index
 * of the next line), like a server log read by offset. A test can make reads fail ({@link #failReads}) and count
 * them. A bean of the test classpath: only a policy naming {@code adapter: watched} uses it.
 */
@Singleton
public class WatchedTargets implements TargetAdapterFactory {
    public static final String TYPE = "watched";

    private final Map<GrantId, List<Activity>> logs = new ConcurrentHashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile String failWith;
    private volatile Completeness completeness = Completeness.COMPLETE;

    @Override
    public String type() {
        return TYPE;
    }

    /** Something done under {@code grant} on the target, now. */
    public void run(GrantId grant, String action, String detail) {
        logs.computeIfAbsent(grant, g -> java.util.Collections.synchronizedList(new ArrayList<>()))
                .add(new Activity(grant, Instant.now(), "bg_alice_" + grant.value(), action, detail, "watched-log",
                        completeness));
    }

    /** Every read fails with {@code message} from now on; null reads again. */
    public void failReads(String message) {
        this.failWith = message;
    }

    /** What the source says it sees from now on. */
    public void completeness(Completeness c) {
        this.completeness = c;
    }

    /** Reads so far, failed or not. */
    public int reads() {
        return reads.get();
    }

    @Override
    public TargetAdapter create(String target, Map<String, Object> settings) {
        return new WatchingTarget(Optional.of(source));
    }

    private final ActivitySource source = new ActivitySource() {
        @Override
        public Completeness completeness() {
            return completeness;
        }

        @Override
        public Page read(Provisioned provisioned, Optional<String> position) throws TargetException {
            reads.incrementAndGet();
            if (failWith != null) {
                throw new TargetException(failWith);
            }
            List<Activity> log = logs.getOrDefault(provisioned.request().id(), List.of());
            int from = position.map(Integer::parseInt).orElse(0);
            List<Activity> page;
            synchronized (log) {
                page = List.copyOf(log.subList(Math.min(from, log.size()), log.size()));
            }
            return new Page(page, Integer.toString(from + page.size()));
        }
    };
}

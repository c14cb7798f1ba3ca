package dev.breakglass.port;

import dev.breakglass.activity.Activity;
import dev.breakglass.grant.GrantId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link ActivityLog} in memory, for the core's use-case tests; {@code MemoryActivityLogTest} holds it to the
 * same {@link ActivityLogContract} as the JDBC log, so it cannot drift from it. One lock: a write is all or nothing.
 */
public final class MemoryActivityLog implements ActivityLog {
    private final List<Recorded> rows = new ArrayList<>();
    private final Map<String, String> positions = new HashMap<>();
    private long seq;

    @Override
    public synchronized List<Recorded> append(GrantId grant, String source, List<Activity> activities,
                                              List<String> flags, Optional<String> position, Instant recordedAt) {
        List<Recorded> out = store(grant, activities, flags, recordedAt);
        position.ifPresent(p -> positions.put(key(grant, source), p));
        return out;
    }

    @Override
    public synchronized List<Recorded> appendRead(GrantId grant, String source, Optional<String> from, String to,
                                                  List<Activity> activities, List<String> flags, Instant recordedAt) {
        check(grant, activities, flags);
        if (!Optional.ofNullable(positions.get(key(grant, source))).equals(from)) {
            throw new PositionMoved(grant, source);
        }
        List<Recorded> out = store(grant, activities, flags, recordedAt);
        positions.put(key(grant, source), to);
        return out;
    }

    private List<Recorded> store(GrantId grant, List<Activity> activities, List<String> flags, Instant recordedAt) {
        check(grant, activities, flags);
        List<Recorded> out = new ArrayList<>();
        for (int i = 0; i < activities.size(); i++) {
            out.add(new Recorded(++seq, activities.get(i), Optional.ofNullable(flags.get(i)), recordedAt));
        }
        rows.addAll(out);
        return List.copyOf(out);
    }

    private static void check(GrantId grant, List<Activity> activities, List<String> flags) {
        if (activities.size() != flags.size()) {
            throw new IllegalArgumentException(activities.size() + " activities but " + flags.size() + " flags");
        }
        for (Activity a : activities) {
            if (!a.grant().equals(grant)) {
                throw new IllegalArgumentException("an activity of " + a.grant() + " cannot be stored under " + grant);
            }
        }
    }

    private static String key(GrantId grant, String source) {
        return grant.value() + "/" + source;
    }

    @Override
    public synchronized Optional<String> position(GrantId grant, String source) {
        return Optional.ofNullable(positions.get(key(grant, source)));
    }

    @Override
    public synchronized List<Recorded> of(GrantId grant) {
        return rows.stream().filter(r -> r.activity().grant().equals(grant)).toList();
    }

    @Override
    public synchronized List<Recorded> of(GrantId grant, long after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return rows.stream().filter(r -> r.activity().grant().equals(grant) && r.seq() > after).limit(limit).toList();
    }

    @Override
    public synchronized List<Recorded> after(long after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return rows.stream().filter(r -> r.seq() > after).limit(limit).toList();
    }
}

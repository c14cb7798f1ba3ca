package dev.breakglass.activity;

import dev.breakglass.port.ActivityLog.Recorded;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What was done under a grant, for the review (the post-mortem, the review form, App Home): how many actions of each
 * kind, every flagged line, the first and the last action, and whether any of it was sampled.
 *
 * @param total   every action recorded
 * @param byKind  actions per kind, most frequent first (ties by name)
 * @param flagged every flagged action, in recording order
 * @param first   the earliest action (by when it happened)
 * @param last    the latest action
 * @param sampled whether any action came from a sampling capture (then short actions may be missing)
 */
public record ActivitySummary(int total, Map<String, Integer> byKind, List<Recorded> flagged,
                              Optional<Recorded> first, Optional<Recorded> last, boolean sampled) {
    /** Nothing recorded. */
    public static final ActivitySummary NONE = new ActivitySummary(0, Map.of(), List.of(), Optional.empty(),
            Optional.empty(), false);

    public ActivitySummary {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        byKind = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byKind));
        flagged = List.copyOf(flagged);
    }

    /** The summary of {@code rows} (one grant's, in recording order). */
    public static ActivitySummary of(List<Recorded> rows) {
        if (rows.isEmpty()) {
            return NONE;
        }
        Map<String, Integer> counts = new TreeMap<>();
        List<Recorded> flagged = new ArrayList<>();
        boolean sampled = false;
        for (Recorded r : rows) {
            counts.merge(r.activity().action(), 1, Integer::sum);
            if (r.flag().isPresent()) {
                flagged.add(r);
            }
            sampled |= r.activity().completeness() == Completeness.SAMPLED;
        }
        Map<String, Integer> byKind = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> byKind.put(e.getKey(), e.getValue()));
        Comparator<Recorded> when = Comparator.comparing((Recorded r) -> r.activity().at())
                .thenComparingLong(Recorded::seq);
        return new ActivitySummary(rows.size(), byKind, flagged, rows.stream().min(when), rows.stream().max(when),
                sampled);
    }

    /** Counts only, for lists (App Home): how many actions, how many flagged. */
    public record Counts(int total, int flagged) {
        /** Nothing recorded. */
        public static final Counts NONE = new Counts(0, 0);
    }
}

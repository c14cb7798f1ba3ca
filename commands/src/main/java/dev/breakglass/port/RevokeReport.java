package dev.breakglass.port;

import java.util.List;
import java.util.Objects;

/**
 * What a revoke found that the grant's login left behind on the target (objects it created: tables, functions,
 * stored routines, views…) and what the adapter did with each, so the audit log and the post-mortem can say so.
 * Never secret: object names and what happened to them, no data, no credentials.
 *
 * <p>Optional for adapters: {@link TargetAdapter#revokeAndReport} reports {@link #NOTHING} unless an adapter
 * overrides it. An empty report means nothing was found or the adapter does not look; a repeated revoke reports
 * nothing new, since the first one already dealt with what it found.
 *
 * @param leftBehind each object and what was done with it, in the adapter's order
 */
public record RevokeReport(List<LeftBehind> leftBehind) {
    /** Nothing left behind, or nothing the adapter looks for. */
    public static final RevokeReport NOTHING = new RevokeReport(List.of());

    public RevokeReport {
        leftBehind = List.copyOf(Objects.requireNonNull(leftBehind, "leftBehind"));
    }

    /** Whether anything was found. */
    public boolean isEmpty() {
        return leftBehind.isEmpty();
    }

    /**
     * One object the grant's login left behind.
     *
     * @param object  what it is, in the target's words, e.g. {@code function public.fix_orders(integer)}
     * @param outcome what the adapter did with it, e.g. {@code owned by breakglass_orphans, EXECUTE revoked from
     *                everyone}
     */
    public record LeftBehind(String object, String outcome) {
        public LeftBehind {
            Objects.requireNonNull(object, "object");
            Objects.requireNonNull(outcome, "outcome");
            if (object.isBlank()) {
                throw new IllegalArgumentException("a left-behind object needs a name");
            }
        }
    }
}

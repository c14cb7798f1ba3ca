package dev.breakglass.bot.adapter;

import dev.breakglass.bot.audit.AuditEntry;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.RevokeReport;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wraps every configured adapter, built-in or plugin: each call runs on the target's own threads with a deadline
 * ({@link TargetBulkhead}; past it the call is a {@link TargetException}), and is timed, logged, counted
 * ({@code breakglass_target_calls_seconds{target,action,outcome}}) and written to the audit log as a
 * {@code TargetCall} — action, duration, outcome and the target's error message, and for a revoke what the
 * adapter reported left behind ({@link #LEFT_BEHIND}: object names and what was done with them); never arguments
 * or other results, which may carry credentials.
 *
 * <p>Edge case: {@code rotate} has no grant, so its audit entry is not written (it is logged and counted).
 */
public final class MeteredTarget implements TargetAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(MeteredTarget.class);
    /**
     * The audit detail of a revoke that lists what the grant's login left behind: one line per object,
     * {@code <object>: <outcome>}.
     */
    public static final String LEFT_BEHIND = "left_behind";
    /** How many objects the revoke reported left behind (the list may be cut, this is not). */
    public static final String LEFT_BEHIND_COUNT = "left_behind_count";
    /** At most this many left-behind objects are listed in one audit entry; a count says how many more. */
    static final int MAX_LEFT_BEHIND = 100;

    private final String target;
    private final TargetAdapter adapter;
    private final TargetBulkhead bulkhead;
    private final TargetBulkhead reads;
    private final JdbcAuditLog audit;
    private final MeterRegistry metrics;
    private final Clock clock;

    /**
     * @param bulkhead the target's threads for the calls that give and take access
     * @param reads    the target's own threads for reading its activity, apart from {@code bulkhead} so that slow or
     *                 hanging log reads never delay a revocation
     */
    MeteredTarget(String target, TargetAdapter adapter, TargetBulkhead bulkhead, TargetBulkhead reads,
                  JdbcAuditLog audit, MeterRegistry metrics, Clock clock) {
        this.target = target;
        this.adapter = adapter;
        this.bulkhead = bulkhead;
        this.reads = reads;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The adapter this one measures, for diagnostics and tests. */
    public TargetAdapter delegate() {
        return adapter;
    }

    @Override
    public Provisioned grant(GrantRequest request) throws TargetException {
        return measure("grant", request, adapter::grant);
    }

    /** Revokes through {@link #revokeAndReport}, so what the adapter reports reaches the audit log either way. */
    @Override
    public void revoke(Provisioned provisioned) throws TargetException {
        revokeAndReport(provisioned);
    }

    @Override
    public RevokeReport revokeAndReport(Provisioned provisioned) throws TargetException {
        RevokeReport report = measure("revoke", provisioned.request(), r -> adapter.revokeAndReport(provisioned));
        return report == null ? RevokeReport.NOTHING : report; // a plugin's null counts as nothing to report
    }

    @Override
    public boolean verifyRevoked(Provisioned provisioned) throws TargetException {
        return measure("verify", provisioned.request(), r -> adapter.verifyRevoked(provisioned));
    }

    @Override
    public Extending extending() {
        return adapter.extending();
    }

    /**
     * The adapter's own source, each read on the target's activity threads with the call deadline (past it, a
     * {@link dev.breakglass.port.TargetTimeoutException}: the poll keeps its position and reads again later), but not
     * audited or timed: the bot polls every few seconds while a grant is active, and an entry per poll would bury the
     * grant's real steps; what it reads is audited as activity.
     */
    @Override
    public java.util.Optional<dev.breakglass.port.ActivitySource> activity() {
        return adapter.activity().map(source -> new dev.breakglass.port.ActivitySource() {
            @Override
            public dev.breakglass.activity.Completeness completeness() {
                return source.completeness();
            }

            @Override
            public Page read(Provisioned provisioned, java.util.Optional<String> position) throws TargetException {
                return reads.call("activity read", () -> source.read(provisioned, position));
            }
        });
    }

    /** Audited with the grant's current request; the new end is in the grant's own events, not here. */
    @Override
    public Provisioned extend(Provisioned provisioned, Instant newEnd) throws TargetException {
        return measure("extend", provisioned.request(), r -> adapter.extend(provisioned, newEnd));
    }

    @Override
    public void rotate() throws TargetException {
        measure("rotate", null, r -> {
            adapter.rotate();
            return null;
        });
    }

    /**
     * The report as one audit detail (details hold plain values only): a line per object, {@code object: outcome},
     * at most {@link #MAX_LEFT_BEHIND} lines, then one saying how many more there were.
     */
    private static String leftBehind(RevokeReport report) {
        List<String> lines = new ArrayList<>();
        for (RevokeReport.LeftBehind l : report.leftBehind()) {
            if (lines.size() == MAX_LEFT_BEHIND) {
                lines.add("… and " + (report.leftBehind().size() - MAX_LEFT_BEHIND) + " more");
                break;
            }
            lines.add(l.object().replace('\n', ' ') + ": " + l.outcome().replace('\n', ' '));
        }
        return String.join("\n", lines);
    }

    /** One adapter call, as a lambda that may fail the way adapters do. */
    @FunctionalInterface
    private interface RequestCall<T> {
        T run(GrantRequest request) throws TargetException;
    }

    private <T> T measure(String action, GrantRequest request, RequestCall<T> call) throws TargetException {
        long start = System.nanoTime();
        String outcome = "ok";
        String error = null;
        Object result = null;
        try {
            T answer = bulkhead.call(action, () -> call.run(request));
            result = answer;
            if (action.equals("verify") && Boolean.FALSE.equals(answer)) {
                outcome = "still-granted";
            }
            return answer;
        } catch (TargetException e) {
            outcome = "failed";
            error = e.getMessage();
            throw e;
        } catch (RuntimeException e) {
            outcome = "failed";
            error = e.getClass().getSimpleName();
            throw e;
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Timer.builder("breakglass.target.calls").tag("target", target).tag("action", action)
                    .tag("outcome", outcome).register(metrics).record(took);
            String grant = request == null ? "-" : request.id().toString();
            if (error == null) {
                LOG.info("{} {} on {}: {} in {} ms", action, grant, target, outcome, took.toMillis());
            } else {
                LOG.warn("{} {} on {}: failed in {} ms: {}", action, grant, target, took.toMillis(), error);
            }
            if (request != null) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("target", target);
                details.put("action", action);
                details.put("outcome", outcome);
                details.put("ms", took.toMillis());
                if (error != null) {
                    details.put("error", error);
                }
                if (result instanceof RevokeReport report && !report.isEmpty()) {
                    details.put(LEFT_BEHIND_COUNT, report.leftBehind().size());
                    details.put(LEFT_BEHIND, leftBehind(report));
                }
                try {
                    audit.append(clock.instant(), request.id().value(), "TargetCall", AuditEntry.SYSTEM, details);
                } catch (RuntimeException e) {
                    LOG.error("Could not audit the {} of {}: {}", action, grant, e.toString());
                }
            }
        }
    }
}

package dev.breakglass.bot.target;

import dev.breakglass.bot.audit.AuditEntry;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wraps every configured adapter, built-in or plugin: each call runs on the target's own threads with a deadline
 * ({@link TargetBulkhead}; past it the call is a {@link TargetException}), and is timed, logged, counted
 * ({@code breakglass_target_calls_seconds{target,action,outcome}}) and written to the audit log as a
 * {@code TargetCall} — action, duration, outcome and the target's error message; never arguments or results,
 * which may carry credentials.
 *
 * <p>Edge case: {@code rotate} has no grant, so its audit entry is not written (it is logged and counted).
 */
public final class MeteredTarget implements TargetAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(MeteredTarget.class);

    private final String target;
    private final TargetAdapter adapter;
    private final TargetBulkhead bulkhead;
    private final JdbcAuditLog audit;
    private final MeterRegistry metrics;
    private final Clock clock;

    MeteredTarget(String target, TargetAdapter adapter, TargetBulkhead bulkhead, JdbcAuditLog audit,
                  MeterRegistry metrics, Clock clock) {
        this.target = target;
        this.adapter = adapter;
        this.bulkhead = bulkhead;
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

    @Override
    public void revoke(Provisioned provisioned) throws TargetException {
        measure("revoke", provisioned.request(), r -> {
            adapter.revoke(provisioned);
            return null;
        });
    }

    @Override
    public boolean verifyRevoked(Provisioned provisioned) throws TargetException {
        return measure("verify", provisioned.request(), r -> adapter.verifyRevoked(provisioned));
    }

    @Override
    public void rotate() throws TargetException {
        measure("rotate", null, r -> {
            adapter.rotate();
            return null;
        });
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
        try {
            T result = bulkhead.call(action, () -> call.run(request));
            if (action.equals("verify") && Boolean.FALSE.equals(result)) {
                outcome = "still-granted";
            }
            return result;
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
                try {
                    audit.append(clock.instant(), request.id().value(), "TargetCall", AuditEntry.SYSTEM, details);
                } catch (RuntimeException e) {
                    LOG.error("Could not audit the {} of {}: {}", action, grant, e.toString());
                }
            }
        }
    }
}

package dev.breakglass.bot.events;

import dev.breakglass.event.GrantEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts grant events by kind ({@code breakglass_grant_events_total{event=…}}) and measures how late access
 * was removed after its window ended ({@code breakglass_revocation_lag_seconds}: when the target confirmed the
 * removal — revoke and verify both answered — minus expires_at), logging each lag too. A slow revoke counts in
 * full. Fed from the outbox, so each event is counted once across replicas (by the replica that delivered it; a
 * replica that dies between counting and committing may count one event twice, never none).
 */
@Singleton
public class GrantMetrics implements EventConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(GrantMetrics.class);
    private final MeterRegistry registry;
    private final Timer lag;

    public GrantMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lag = Timer.builder("breakglass.revocation.lag")
                .description("Time from a grant's expires_at to its target confirming the access removed")
                .publishPercentileHistogram()
                .register(registry);
    }

    @Override
    public String name() {
        return EventRoutes.METRICS;
    }

    @Override
    public void deliver(Delivery delivery, java.sql.Connection connection) {
        GrantEvent event = delivery.event();
        registry.counter("breakglass.grant.events", "event", event.getClass().getSimpleName()).increment();
        if (event instanceof GrantEvent.Expired expired) {
            lag.record(expired.lag());
            LOG.info("{} expired; removal confirmed {} ms after expires_at", expired.grant().id(),
                    expired.lag().toMillis());
        }
    }
}

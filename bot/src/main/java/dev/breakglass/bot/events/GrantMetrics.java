package dev.breakglass.bot.events;

import dev.breakglass.event.GrantEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Optional;
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
        lagOf(event).ifPresent(late -> {
            lag.record(late);
            LOG.info("{} expired; removal confirmed {} ms after expires_at", event.grant().id(), late.toMillis());
        });
    }

    /** How late access was removed, for the events that end a window on time. Exhaustive, so a new kind must say. */
    static Optional<Duration> lagOf(GrantEvent event) {
        return switch (event) {
            case GrantEvent.Requested e -> Optional.empty();
            case GrantEvent.ApprovalRecorded e -> Optional.empty();
            case GrantEvent.Approved e -> Optional.empty();
            case GrantEvent.Denied e -> Optional.empty();
            case GrantEvent.Cancelled e -> Optional.empty();
            case GrantEvent.TimedOut e -> Optional.empty();
            case GrantEvent.EmergencyOffered e -> Optional.empty();
            case GrantEvent.GlassBroken e -> Optional.empty();
            case GrantEvent.Activated e -> Optional.empty();
            case GrantEvent.ProvisioningFailed e -> Optional.empty();
            case GrantEvent.CredentialsRevealed e -> Optional.empty();
            case GrantEvent.RolledBack e -> Optional.empty();
            case GrantEvent.ExpiryWarned e -> Optional.empty();
            case GrantEvent.ExtensionRequested e -> Optional.empty();
            case GrantEvent.ExtensionApprovalRecorded e -> Optional.empty();
            case GrantEvent.Extended e -> Optional.empty();
            case GrantEvent.ExtensionFailed e -> Optional.empty();
            case GrantEvent.ExtensionDenied e -> Optional.empty();
            case GrantEvent.Expired e -> Optional.of(e.lag());
            case GrantEvent.Revoked e -> Optional.empty();
            case GrantEvent.RevocationFailed e -> Optional.empty();
            case GrantEvent.RevocationRecovered e -> Optional.empty();
            case GrantEvent.RevocationResolved e -> Optional.empty();
            case GrantEvent.PostMortemOpened e -> Optional.empty();
            case GrantEvent.ReviewReminded e -> Optional.empty();
            case GrantEvent.ReviewWritten e -> Optional.empty();
            case GrantEvent.Reviewed e -> Optional.empty();
        };
    }
}

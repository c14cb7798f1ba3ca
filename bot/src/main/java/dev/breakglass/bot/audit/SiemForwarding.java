package dev.breakglass.bot.audit;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;

import javax.sql.DataSource;
import java.time.Clock;

/**
 * Runs the {@link SiemForwarder} for the life of the bot when {@code BREAKGLASS_SIEM_URL} is set; else nothing. Also
 * the SIEM's side of {@link CheckpointWitness}: checkpoints are posted straight away (false when no SIEM is set).
 */
@Context
public class SiemForwarding implements AutoCloseable, CheckpointWitness {
    private final SiemForwarder forwarder;

    public SiemForwarding(AuditSettings settings, DataSource dataSource, Clock clock) {
        if (settings.siemEnabled()) {
            forwarder = new SiemForwarder(dataSource, settings.siemUrl().orElseThrow(), settings.siemSecret(), clock,
                    settings.firstRetry(), settings.maxRetry(), settings.timeout());
            forwarder.start(settings.poll());
        } else {
            forwarder = null;
        }
    }

    @Override
    public boolean publish(Checkpoint checkpoint) {
        if (forwarder == null) {
            return false;
        }
        forwarder.postCheckpoint(checkpoint);
        return true;
    }

    @PreDestroy
    @Override
    public void close() {
        if (forwarder != null) {
            forwarder.close();
        }
    }
}

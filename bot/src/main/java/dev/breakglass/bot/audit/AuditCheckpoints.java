package dev.breakglass.bot.audit;

import dev.breakglass.event.GrantEvent;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a signed {@link Checkpoint} of the audit log's head to every {@link CheckpointWitness} every
 * {@code breakglass.audit.checkpoint-every} ({@code BREAKGLASS_AUDIT_CHECKPOINT_EVERY}, default 1h) and right after
 * a grant closes (expired, revoked, denied, cancelled, timed out, failed, reviewed). At start it makes sure the log is
 * keyed ({@link JdbcAuditLog#ensureKeyed}).
 *
 * <p>Edge cases: nothing is published while the log is empty or its head has not moved since the last checkpoint
 * (any replica's: {@code audit_head.checkpoint_seq}); called after the closing event's own entry committed
 * ({@link AuditRecorder#delivered}), so that entry is in the checkpoint; publishing happens on its own thread, never the caller's; a
 * witness that fails is logged and the head counts as published only when one witness took it, so the next tick
 * tries again. Two replicas racing may publish the same head twice, which is harmless.
 */
@Context
public class AuditCheckpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditCheckpoints.class);

    private final JdbcAuditLog log;
    private final List<CheckpointWitness> witnesses;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "audit-checkpoints");
        t.setDaemon(true);
        return t;
    });

    public AuditCheckpoints(JdbcAuditLog log, List<CheckpointWitness> witnesses, Clock clock,
                            @Value("${breakglass.audit.checkpoint-every:1h}") Duration every) {
        this.log = log;
        this.witnesses = witnesses;
        log.ensureKeyed(clock.instant());
        if (every.isNegative() || every.isZero()) {
            throw new dev.breakglass.bot.config.InvalidConfigurationException(
                    "BREAKGLASS_AUDIT_CHECKPOINT_EVERY must be a positive duration, like 1h or 15m");
        }
        timer.scheduleWithFixedDelay(this::publishQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Called once {@code event}'s entry is committed: a grant whose access ended is checkpointed at once. */
    public void afterEntry(GrantEvent event) {
        if (event.grant().state().isFinal() || endsAccess(event)) {
            timer.execute(this::publishQuietly);
        }
    }

    /**
     * Whether {@code event} ends a grant's access (or closes a failed revocation), the moments a security team
     * wants sealed by a checkpoint at once rather than within the hour. Exhaustive, so a new kind must say.
     */
    static boolean endsAccess(GrantEvent event) {
        return switch (event) {
            case GrantEvent.Requested e -> false;
            case GrantEvent.ApprovalRecorded e -> false;
            case GrantEvent.Approved e -> false;
            case GrantEvent.Denied e -> false;
            case GrantEvent.Cancelled e -> false;
            case GrantEvent.TimedOut e -> false;
            case GrantEvent.EmergencyOffered e -> false;
            case GrantEvent.GlassBroken e -> false;
            case GrantEvent.Activated e -> false;
            case GrantEvent.ProvisioningFailed e -> false;
            case GrantEvent.CredentialsRevealed e -> false;
            case GrantEvent.RolledBack e -> false;
            case GrantEvent.ExpiryWarned e -> false;
            case GrantEvent.ExtensionRequested e -> false;
            case GrantEvent.ExtensionApprovalRecorded e -> false;
            case GrantEvent.Extended e -> false;
            case GrantEvent.ExtensionFailed e -> false;
            case GrantEvent.ExtensionDenied e -> false;
            case GrantEvent.Expired e -> true;
            case GrantEvent.Revoked e -> true;
            case GrantEvent.RevocationFailed e -> false;
            case GrantEvent.RevocationRecovered e -> false;
            case GrantEvent.RevocationResolved e -> true;
            case GrantEvent.PostMortemOpened e -> false;
            case GrantEvent.ReviewReminded e -> false;
            case GrantEvent.ReviewWritten e -> false;
            case GrantEvent.Reviewed e -> false;
        };
    }

    /**
     * Publishes the head's checkpoint unless it already was; the checkpoint published, or empty.
     *
     * @throws RuntimeException when the database cannot be read
     */
    public synchronized Optional<Checkpoint> publish() {
        Optional<Checkpoint> head = log.checkpoint();
        if (head.isEmpty() || head.get().seq() <= log.lastCheckpoint()) {
            return Optional.empty();
        }
        Checkpoint checkpoint = head.get();
        boolean kept = false;
        for (CheckpointWitness witness : witnesses) {
            try {
                kept |= witness.publish(checkpoint);
            } catch (RuntimeException e) {
                LOG.warn("audit checkpoint of entry {} not published by {}: {}", checkpoint.seq(),
                        witness.getClass().getSimpleName(), e.getMessage());
            }
        }
        if (!kept) {
            return Optional.empty();
        }
        log.checkpointPublished(checkpoint.seq());
        LOG.info("published {}", checkpoint.line());
        return Optional.of(checkpoint);
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) {
            // The database may be briefly away; the next tick or closing grant tries again.
            LOG.warn("audit checkpoint not published: {}", e.toString());
        }
    }

    @PreDestroy
    @Override
    public void close() {
        timer.shutdownNow();
    }
}

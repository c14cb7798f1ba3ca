package dev.breakglass.bot.audit;

import dev.breakglass.bot.config.AuditKey;
import dev.breakglass.bot.events.EventConsumer;
import dev.breakglass.bot.events.EventRoutes;
import dev.breakglass.command.DurationText;
import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes every grant event to the audit log, delivered from the outbox in the transaction that marks it delivered
 * (so each event is in the chain exactly once, in order per grant), with who caused it and the facts a reviewer
 * needs. Never secrets: no credentials, no handle, no tokens; the credentials'
 * fingerprint is keyed with the audit key, so nobody without it can test a guessed password against the log.
 */
@Singleton
public class AuditRecorder implements EventConsumer {
    private final JdbcAuditLog log;
    private final Clock clock;
    private final AuditKey key;
    private final Optional<AuditCheckpoints> checkpoints;

    /** For tools and tests: appends without checkpoints. */
    public AuditRecorder(JdbcAuditLog log, Clock clock, AuditKey key) {
        this(log, clock, key, Optional.empty());
    }

    @jakarta.inject.Inject
    public AuditRecorder(JdbcAuditLog log, Clock clock, AuditKey key, Optional<AuditCheckpoints> checkpoints) {
        this.log = log;
        this.clock = clock;
        this.key = key;
        this.checkpoints = checkpoints;
    }

    @Override
    public String name() {
        return EventRoutes.AUDIT;
    }

    /**
     * Appends the event in the relay's transaction: the entry and the delivery's removal commit together, so the
     * entry exists exactly once. Stamped with when the change was saved, not when it was delivered.
     */
    @Override
    public void deliver(Delivery delivery, Connection connection) throws SQLException {
        Entry e = entry(delivery.event());
        log.appendIn(connection, delivery.recordedAt(), delivery.event().grant().id().value(),
                delivery.event().getClass().getSimpleName(), e.actor(), e.details());
    }

    /** A closing event's entry is in the log now: it may be checkpointed. */
    @Override
    public void delivered(Delivery delivery) {
        checkpoints.ifPresent(c -> c.afterEntry(delivery.event()));
    }

    /** Appends one event on its own, now (tests and tools; the bot appends through the outbox). */
    public void on(GrantEvent event) {
        Entry e = entry(event);
        log.append(clock.instant(), event.grant().id().value(), event.getClass().getSimpleName(), e.actor(),
                e.details());
    }

    private record Entry(String actor, Map<String, Object> details) {
    }

    /**
     * Who caused the event (as it says: a person's id, or {@link AuditEntry#SYSTEM} for the bot) and the facts a
     * reviewer needs; exhaustive, so a new event must be placed here.
     */
    private Entry entry(GrantEvent event) {
        Grant g = event.grant();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("state", g.state().name());
        d.put("target", g.target());
        g.role().ifPresent(r -> d.put("role", r));
        d.put("duration", DurationText.format(g.duration()));
        switch (event) {
            case GrantEvent.Requested e -> {
                d.put("justification", g.justification());
                g.incident().ifPresent(i -> d.put("incident", i));
                g.kind().ifPresent(k -> d.put("kind", k));
                d.put("approvals_required", g.approvalsRequired());
            }
            case GrantEvent.ApprovalRecorded e -> { }
            case GrantEvent.Approved e -> { }
            case GrantEvent.Denied e -> {
                d.put("reason", e.reason());
            }
            case GrantEvent.Cancelled e -> { }
            case GrantEvent.TimedOut e -> { }
            case GrantEvent.EmergencyOffered e -> { }
            case GrantEvent.GlassBroken e -> {
                d.put("emergency", true);
            }
            case GrantEvent.Activated e -> {
                g.expiresAt().ifPresent(t -> d.put("expires_at", t.toString()));
                d.put("credentials_issued", e.credentialsIssued());
                e.credentialsFingerprint().ifPresent(f -> d.put("credentials_fingerprint",
                        key.credentialsFingerprint(f)));
            }
            case GrantEvent.CredentialsRevealed e -> {
                d.put("reveals_left", e.remaining()); // the actor saw them, and when; never the values
            }
            case GrantEvent.ProvisioningFailed e -> {
                d.put("error", e.reason());
            }
            case GrantEvent.RolledBack e -> {
                d.put("error", e.reason());
                d.put("attempts", g.revocation().attempts());
            }
            case GrantEvent.ExpiryWarned e -> { }
            case GrantEvent.ExtensionRequested e -> {
                g.extension().ifPresent(x -> {
                    d.put("extra", DurationText.format(x.duration()));
                    d.put("justification", x.justification());
                });
            }
            case GrantEvent.ExtensionApprovalRecorded e -> { }
            case GrantEvent.Extended e -> {
                d.put("extra", DurationText.format(e.added()));
                g.expiresAt().ifPresent(t -> d.put("expires_at", t.toString()));
                e.credentialsFingerprint().ifPresent(f -> d.put("credentials_fingerprint",
                        key.credentialsFingerprint(f)));
            }
            case GrantEvent.ExtensionFailed e -> {
                d.put("error", e.error());
                g.expiresAt().ifPresent(t -> d.put("expires_at", t.toString()));
            }
            case GrantEvent.ExtensionDenied e -> {
                d.put("reason", e.reason());
            }
            case GrantEvent.Expired e -> {
                d.put("lag_ms", e.lag().toMillis());
                d.put("attempts", g.revocation().attempts());
            }
            case GrantEvent.Revoked e -> {
                g.revocation().reason().ifPresent(r -> d.put("reason", r));
                d.put("attempts", g.revocation().attempts());
            }
            case GrantEvent.RevocationFailed e -> {
                d.put("attempt", e.attempt());
                d.put("error", e.error());
            }
            case GrantEvent.RevocationRecovered e -> {
                d.put("attempts", g.revocation().attempts());
            }
            case GrantEvent.RevocationResolved e -> {
                g.revocation().reason().ifPresent(r -> d.put("note", r));
            }
            case GrantEvent.PostMortemOpened e -> {
                d.put("review_required", g.postMortem().nextReminderAt().isPresent());
            }
            case GrantEvent.ReviewReminded e -> {
                d.put("reminder", e.number());
                d.put("escalated", e.escalated());
            }
            case GrantEvent.ReviewWritten e -> {
                // The answers belong to the record: kept in the chain, they cannot be quietly changed later.
                g.postMortem().review().ifPresent(r -> r.answers().forEach((q, a) -> d.put(q.key(), a)));
            }
            case GrantEvent.Reviewed e -> { }
        }
        String actor = switch (event.actor()) {
            case Actor.Person p -> p.userId();
            case Actor.Bot b -> AuditEntry.SYSTEM;
        };
        return new Entry(actor, d);
    }
}

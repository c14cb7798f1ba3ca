package dev.breakglass.bot.audit;

import dev.breakglass.bot.config.AuditKey;
import dev.breakglass.bot.events.GrantEventListener;
import dev.breakglass.command.DurationText;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes every grant event to the audit log, on the publishing thread right after the change was saved, with
 * who caused it and the facts a reviewer needs. Never secrets: no credentials, no handle, no tokens; the credentials'
 * fingerprint is keyed with the audit key, so nobody without it can test a guessed password against the log.
 */
@Singleton
public class AuditRecorder implements GrantEventListener {
    private final JdbcAuditLog log;
    private final Clock clock;
    private final AuditKey key;

    public AuditRecorder(JdbcAuditLog log, Clock clock, AuditKey key) {
        this.log = log;
        this.clock = clock;
        this.key = key;
    }

    @Override
    public void on(GrantEvent event) {
        Grant g = event.grant();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("state", g.state().name());
        d.put("target", g.target());
        g.role().ifPresent(r -> d.put("role", r));
        d.put("duration", DurationText.format(g.duration()));
        String actor = AuditEntry.SYSTEM;
        if (event instanceof GrantEvent.Requested) {
            actor = g.requester();
            d.put("justification", g.justification());
            g.incident().ifPresent(i -> d.put("incident", i));
            d.put("approvals_required", g.approvalsRequired());
        } else if (event instanceof GrantEvent.ApprovalRecorded e) {
            actor = e.approver();
        } else if (event instanceof GrantEvent.Approved e) {
            actor = e.approver();
        } else if (event instanceof GrantEvent.Denied e) {
            actor = e.approver();
            d.put("reason", e.reason());
        } else if (event instanceof GrantEvent.Cancelled) {
            actor = g.requester();
        } else if (event instanceof GrantEvent.GlassBroken) {
            actor = g.requester();
            d.put("emergency", true);
        } else if (event instanceof GrantEvent.Activated e) {
            g.expiresAt().ifPresent(t -> d.put("expires_at", t.toString()));
            d.put("credentials_issued", e.credentialsIssued());
            e.credentialsFingerprint().ifPresent(f -> d.put("credentials_fingerprint", key.credentialsFingerprint(f)));
        } else if (event instanceof GrantEvent.CredentialsRevealed e) {
            actor = e.by(); // who saw them and when; never the values
            d.put("reveals_left", e.remaining());
        } else if (event instanceof GrantEvent.ProvisioningFailed e) {
            d.put("error", e.reason());
        } else if (event instanceof GrantEvent.RolledBack e) {
            d.put("error", e.reason());
            d.put("attempts", g.revocation().attempts());
        } else if (event instanceof GrantEvent.ExtensionRequested) {
            actor = g.requester();
            g.extension().ifPresent(x -> {
                d.put("extra", DurationText.format(x.duration()));
                d.put("justification", x.justification());
            });
        } else if (event instanceof GrantEvent.ExtensionApprovalRecorded e) {
            actor = e.approver();
        } else if (event instanceof GrantEvent.Extended e) {
            actor = e.approver();
            d.put("extra", DurationText.format(e.added()));
            g.expiresAt().ifPresent(t -> d.put("expires_at", t.toString()));
            e.credentialsFingerprint().ifPresent(f -> d.put("credentials_fingerprint", key.credentialsFingerprint(f)));
        } else if (event instanceof GrantEvent.ExtensionFailed e) {
            d.put("error", e.error());
            g.expiresAt().ifPresent(t -> d.put("expires_at", t.toString()));
        } else if (event instanceof GrantEvent.ExtensionDenied e) {
            actor = e.approver();
            d.put("reason", e.reason());
        } else if (event instanceof GrantEvent.Expired e) {
            d.put("lag_ms", e.lag().toMillis());
            d.put("attempts", g.revocation().attempts());
        } else if (event instanceof GrantEvent.Revoked) {
            actor = g.revocation().revokedBy().orElse(AuditEntry.SYSTEM);
            g.revocation().reason().ifPresent(r -> d.put("reason", r));
            d.put("attempts", g.revocation().attempts());
        } else if (event instanceof GrantEvent.RevocationFailed e) {
            d.put("attempt", e.attempt());
            d.put("error", e.error());
        } else if (event instanceof GrantEvent.RevocationRecovered) {
            d.put("attempts", g.revocation().attempts());
        } else if (event instanceof GrantEvent.RevocationResolved e) {
            actor = e.by();
            g.revocation().reason().ifPresent(r -> d.put("note", r));
        } else if (event instanceof GrantEvent.PostMortemOpened) {
            d.put("review_required", g.postMortem().nextReminderAt().isPresent());
        } else if (event instanceof GrantEvent.ReviewReminded e) {
            d.put("reminder", e.number());
            d.put("escalated", e.escalated());
        } else if (event instanceof GrantEvent.ReviewWritten) {
            actor = g.requester();
            // The answers belong to the record: kept in the chain, they cannot be quietly changed later.
            g.postMortem().review().ifPresent(r -> r.answers().forEach((q, a) -> d.put(q.key(), a)));
        } else if (event instanceof GrantEvent.Reviewed e) {
            actor = e.by();
        }
        log.append(clock.instant(), g.id().value(), event.getClass().getSimpleName(), actor, d);
    }
}

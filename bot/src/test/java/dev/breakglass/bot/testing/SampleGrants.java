package dev.breakglass.bot.testing;

import dev.breakglass.event.Actor;

import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.grant.NewGrant;
import dev.breakglass.grant.Review;
import dev.breakglass.grant.ReviewQuestion;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fixed grants for the golden files: BG-7, Alice asking for orders-db as admin with an injection attempt in the
 * justification, approved by Bob; one grant per state and one event of each kind, at fixed times.
 */
public final class SampleGrants {
    public static final Instant T0 = Instant.parse("2026-11-21T09:58:12Z");
    public static final String ALICE = "U0ALICE";
    public static final String BOB = "U0BOB";
    public static final String CAROL = "U0CAROL";
    public static final String SECURITY = "U0SECLEAD";
    /** User text that must stay text: a channel ping, a mention, a link and an entity. */
    public static final String HOSTILE = "<!channel> & <@U0EVE> see <https://evil.example|runbook>";

    private SampleGrants() {
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    /** Waiting for two approvals, one given. */
    public static Grant pending() {
        return Grant.pending(new GrantId(7), new NewGrant(ALICE, "orders-db", Optional.of("admin"),
                Duration.ofMinutes(30), "Orders API returns 500s " + HOSTILE, Optional.of("INC-7"), 2, T0));
    }

    /** A pending request for a production outage (emergency kind {@code outage}, see {@link #KINDS}), incident INC-42. */
    public static Grant pendingOutage() {
        return Grant.pending(new GrantId(8), new NewGrant(ALICE, "orders-db", Optional.empty(), Duration.ofMinutes(30),
                "Orders API returns 500s since the deploy", Optional.of("INC-42"), 1, T0, false, Optional.of("outage")));
    }

    /** The emergency kinds the samples name: {@code outage}, with an incident link. */
    public static final dev.breakglass.bot.slack.render.EmergencyKinds KINDS = new dev.breakglass.bot.slack.render
            .EmergencyKinds(List.of(new dev.breakglass.policy.EmergencyKind("outage", "Production outage", "",
            List.of(), List.of(), Optional.empty(), java.util.OptionalInt.empty(), List.of(), Optional.of("INC-\\d+"),
            Optional.of("https://incidents.example/{reference}"))));

    public static Grant approved() {
        return pending().approvedBy(BOB, at(1)).approvedBy(CAROL, at(2)).withStepUpVerified(BOB);
    }

    public static Grant provisioning() {
        return approved().provisioningStarted(at(2), at(4));
    }

    public static Grant active() {
        return provisioning().activated("h", at(3));
    }

    public static Grant extensionRequested() {
        return active().extensionRequested(Duration.ofMinutes(15), "still replaying the WAL " + HOSTILE, at(20));
    }

    /** An extension approved by one of the two approvers it needs. */
    public static Grant activeWithExtension() {
        return extensionRequested().extensionApprovedBy(BOB, at(21));
    }

    public static Grant extensionApproved() {
        return activeWithExtension().extensionApprovedBy(CAROL, at(22));
    }

    public static Grant extended() {
        return extensionApproved().extended(Optional.empty(), at(22));
    }

    public static Grant denied() {
        return pending().denied(BOB, "Use the read replica " + HOSTILE, at(1));
    }

    public static Grant cancelled() {
        return pending().cancelled(at(1));
    }

    public static Grant timedOut() {
        return pending().timedOut(at(10));
    }

    public static Grant emergency() {
        return pending().brokenGlass(Duration.ofMinutes(20), at(10));
    }

    public static Grant failed() {
        return provisioning().failed("connection refused " + HOSTILE, at(3));
    }

    public static Grant rolledBack() {
        return provisioning().rollbackClaimed(Optional.of("h"), "timed out " + HOSTILE, at(5), at(6))
                .revocationSucceeded(at(6));
    }

    public static Grant expired() {
        Grant a = active();
        Instant end = a.expiresAt().orElseThrow();
        return a.revocationClaimed(Optional.empty(), Optional.empty(), end, end.plusSeconds(60))
                .revocationSucceeded(end.plusSeconds(1));
    }

    public static Grant revoked() {
        return active().revocationClaimed(Optional.of(SECURITY), Optional.of("done early " + HOSTILE), at(10), at(11))
                .revocationSucceeded(at(10).plusSeconds(2));
    }

    public static Grant revokeFailed() {
        return active().revocationClaimed(Optional.empty(), Optional.empty(), at(33), at(34))
                .revocationFailed("permission denied " + HOSTILE, at(35), at(33));
    }

    public static Grant resolved() {
        return revokeFailed().revocationResolved(SECURITY, "dropped the role by hand " + HOSTILE, at(40));
    }

    public static Grant reviewOpened() {
        return expired().postMortemOpened(at(34), Optional.of(at(34).plus(Duration.ofHours(24))));
    }

    public static Grant reviewWritten() {
        Map<ReviewQuestion, String> answers = new EnumMap<>(ReviewQuestion.class);
        for (ReviewQuestion q : ReviewQuestion.asked(false)) {
            answers.put(q, "Answer to " + q + " " + HOSTILE);
        }
        return reviewOpened().reviewWritten(new Review(ALICE, at(60), answers));
    }

    public static Grant reviewed() {
        return reviewWritten().reviewSignedOff(SECURITY, at(90));
    }

    /** One grant per state, in the order of {@link GrantState}, plus the variants a card shows differently. */
    public static Map<String, Grant> everyState() {
        Map<String, Grant> all = new LinkedHashMap<>();
        all.put("pending", pending());
        all.put("approved", approved());
        all.put("provisioning", provisioning());
        all.put("active", active());
        all.put("active-extension-requested", activeWithExtension());
        all.put("expired", expired());
        all.put("expired-review-written", reviewWritten());
        all.put("revoked", revoked());
        all.put("revoke-failed", revokeFailed());
        all.put("reviewed", reviewed());
        all.put("denied", denied());
        all.put("cancelled", cancelled());
        all.put("timed-out", timedOut());
        all.put("failed", failed());
        all.put("rolled-back", rolledBack());
        all.put("emergency", emergency());
        all.put("revoked-resolved", resolved());
        for (GrantState s : GrantState.values()) {
            if (all.values().stream().noneMatch(g -> g.state() == s)) {
                throw new IllegalStateException("no sample grant in " + s);
            }
        }
        return all;
    }

    /** One event of each kind, on the grant as that event saved it. */
    public static List<GrantEvent> everyEvent() {
        return List.of(
                new GrantEvent.Requested(pending(), Actor.person(ALICE)),
                new GrantEvent.ApprovalRecorded(pending().approvedBy(BOB, at(1)), BOB),
                new GrantEvent.Approved(approved(), CAROL),
                new GrantEvent.Denied(denied(), BOB, "Use the read replica " + HOSTILE),
                new GrantEvent.Cancelled(cancelled(), Actor.person(ALICE)),
                new GrantEvent.TimedOut(timedOut()),
                new GrantEvent.EmergencyOffered(pending()),
                new GrantEvent.GlassBroken(emergency(), Actor.person(ALICE)),
                new GrantEvent.Activated(active(), Optional.of("sha256:4f2a")),
                new GrantEvent.Activated(active(), Optional.empty()),
                new GrantEvent.ProvisioningFailed(failed(), "connection refused " + HOSTILE),
                new GrantEvent.CredentialsRevealed(active(), ALICE, at(4), 0),
                new GrantEvent.RolledBack(rolledBack(), "timed out " + HOSTILE),
                new GrantEvent.ExpiryWarned(active()),
                new GrantEvent.ExtensionRequested(extensionRequested(), Actor.person(ALICE)),
                new GrantEvent.ExtensionApprovalRecorded(activeWithExtension(), BOB),
                new GrantEvent.ExtensionApprovalRecorded(extensionApproved(), CAROL),
                new GrantEvent.Extended(extended(), BOB, Duration.ofMinutes(15), Optional.of("sha256:77aa")),
                new GrantEvent.Extended(extended(), BOB, Duration.ofMinutes(15), Optional.empty()),
                new GrantEvent.ExtensionFailed(active(), "target refused " + HOSTILE),
                new GrantEvent.ExtensionDenied(active(), BOB, "not needed " + HOSTILE),
                new GrantEvent.Expired(expired(), Duration.ofMillis(400)),
                new GrantEvent.Revoked(revoked(), revoked().revocation().revokedBy().map(Actor::person).orElseThrow()),
                new GrantEvent.RevocationFailed(revokeFailed(), 1, "permission denied " + HOSTILE, true),
                new GrantEvent.RevocationRecovered(revokeFailed().revocationSucceeded(at(36))),
                new GrantEvent.RevocationResolved(resolved(), SECURITY),
                new GrantEvent.PostMortemOpened(reviewOpened()),
                new GrantEvent.ReviewReminded(reviewOpened(), 3, true),
                new GrantEvent.ReviewReminded(reviewOpened(), 1, false),
                new GrantEvent.ReviewWritten(reviewWritten(), Actor.person(ALICE)),
                new GrantEvent.Reviewed(reviewed(), SECURITY));
    }
}

package dev.breakglass.bot.slack.render;

import dev.breakglass.bot.audit.AuditEntry;
import dev.breakglass.bot.audit.AuditRecorder;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.testing.Golden;
import dev.breakglass.testing.ManualClock;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.NewGrant;
import dev.breakglass.grant.Review;
import dev.breakglass.grant.ReviewQuestion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The post-mortem's rendering, against golden files: a grant's events go through the real {@link AuditRecorder}
 * into a real audit log, and the timeline is read back from it, as in production.
 *
 * <p>To accept a deliberate change of wording, run with {@code -Dgolden.update=true} and review the diff of
 * {@code src/test/resources/golden/}.
 */
class PostMortemViewTest {
    private static final Instant T0 = Instant.parse("2026-11-21T09:58:12Z");
    private static final String ALICE = "U0ALICE";
    private static final String BOB = "U0BOB";
    private static final String SECURITY = "U0SECLEAD";
    private static final PostMortemView.Context CONTEXT = new PostMortemView.Context(true, Duration.ofHours(24),
            dev.breakglass.grant.Reply.named("permission.signersOf", "target", "orders-db", "approvers", false));

    private final TestDatabase db = TestDatabase.h2();
    private final ManualClock clock = new ManualClock(T0);
    private final dev.breakglass.bot.config.AuditKey key = dev.breakglass.bot.config.AuditKey.random();
    private final JdbcAuditLog log = new JdbcAuditLog(db.dataSource(), key);
    private final AuditRecorder recorder = new AuditRecorder(log, clock, key);
    private final PostMortemView view = new PostMortemView(new Templates(Optional.empty(), PostMortemView.TEMPLATES), EmergencyKinds.NONE);

    @AfterEach
    void close() {
        db.close();
    }

    /** Publishes {@code event} to the recorder at the clock's time and returns its grant. */
    private Grant at(Duration sinceStart, GrantEvent event) {
        clock.set(T0.plus(sinceStart));
        recorder.on(event);
        return event.grant();
    }

    /**
     * BG-42: Alice asks with an injection attempt in the justification, Bob approves, the window is extended
     * once, and it expires; the revoke call takes 350 ms and removal is confirmed 1.2 s after the window.
     */
    private Grant expiredLifecycle() {
        Grant g = Grant.pending(new GrantId(42), new NewGrant(ALICE, "orders-db", Optional.of("admin"),
                Duration.ofMinutes(30), "Orders API returns 500s <!channel> & the replica lags; see <https://evil.example|runbook>",
                Optional.of("INC-7"), 1, T0));
        at(Duration.ZERO, new GrantEvent.Requested(g, Actor.person(ALICE)));
        g = at(Duration.ofSeconds(72), new GrantEvent.Approved(g.approvedBy(BOB, T0.plusSeconds(72)), BOB));
        g = at(Duration.ofSeconds(75), new GrantEvent.Activated(g.provisioningStarted(T0, T0).activated("h", T0.plusSeconds(75)),
                Optional.of("sha256:4f2a")));
        g = at(Duration.ofMinutes(26).plusSeconds(15), new GrantEvent.ExpiryWarned(g));
        g = at(Duration.ofMinutes(27), new GrantEvent.ExtensionRequested(g.extensionRequested(Duration.ofMinutes(15),
                "still replaying the WAL", T0.plus(Duration.ofMinutes(27))), Actor.person(ALICE)));
        g = at(Duration.ofMinutes(28), new GrantEvent.Extended(g.extensionApprovedBy(BOB,
                T0.plus(Duration.ofMinutes(28))).extended(Optional.empty(), T0.plus(Duration.ofMinutes(28))), BOB,
                Duration.ofMinutes(15), Optional.empty()));
        Instant windowEnd = g.expiresAt().orElseThrow();
        Grant claimed = g.revocationClaimed(Optional.empty(), Optional.empty(), windowEnd, windowEnd.plusSeconds(60));
        clock.set(windowEnd.plusMillis(750));
        log.append(clock.instant(), 42, "TargetCall", AuditEntry.SYSTEM, Map.of("target", "orders-db",
                "action", "revoke", "outcome", "ok", "ms", 350));
        Instant removed = windowEnd.plusMillis(1200);
        Grant ended = claimed.revocationSucceeded(removed);
        clock.set(removed);
        recorder.on(new GrantEvent.Expired(ended, Duration.ofMillis(400)));
        Grant opened = ended.postMortemOpened(removed, Optional.of(removed.plus(Duration.ofHours(24))));
        recorder.on(new GrantEvent.PostMortemOpened(opened));
        return opened;
    }

    private static Map<ReviewQuestion, String> answers() {
        Map<ReviewQuestion, String> a = new EnumMap<>(ReviewQuestion.class);
        a.put(ReviewQuestion.NECESSARY, "Yes: the replica was down and the usual path needs it.");
        a.put(ReviewQuestion.JUSTIFIED, "Restarted the replica and replayed the WAL, as the runbook says.\nNothing else.");
        a.put(ReviewQuestion.DURATION, "15m too short; the extension was needed.");
        a.put(ReviewQuestion.NORMAL_ACCESS, "No, nobody was awake to approve one.");
        a.put(ReviewQuestion.CONCERNS, "None. <@U0DAVE> <!here> should stay text.");
        return a;
    }

    private static void assertGolden(String name, String actual) throws IOException {
        Golden.assertMatches(name, actual);
    }

    @Test
    void theOpeningMessageMatchesTheGoldenFile() throws IOException {
        Grant g = expiredLifecycle();
        assertGolden("post-mortem-open.txt", view.text(g, log.forGrant(42), CONTEXT));
    }

    @Test
    void aWrittenAndSignedOffReviewMatchesTheGoldenFiles() throws IOException {
        Grant g = expiredLifecycle();
        Instant written = g.revocation().endedAt().orElseThrow().plus(Duration.ofHours(3));
        Grant withReview = g.reviewWritten(new Review(ALICE, written, answers()));
        assertGolden("review.txt", view.reviewText(withReview));
        Grant signed = withReview.reviewSignedOff(SECURITY, written.plus(Duration.ofMinutes(40)));
        assertGolden("post-mortem-signed-off.txt", view.text(signed, log.forGrant(42), CONTEXT));
    }

    @Test
    void theButtonsFollowTheReview() {
        Grant g = expiredLifecycle();
        List<AuditEntry> entries = log.forGrant(42);
        assertEquals(List.of(PostMortemView.WRITE_REVIEW), buttons(view.opening(g, entries, CONTEXT)));
        Grant written = g.reviewWritten(new Review(ALICE, clock.instant(), answers()));
        assertEquals(List.of(PostMortemView.SIGN_OFF), buttons(view.opening(written, entries, CONTEXT)));
        Grant signed = written.reviewSignedOff(SECURITY, clock.instant());
        assertEquals(List.of(), buttons(view.opening(signed, entries, CONTEXT)));
    }

    @Test
    void anEarlyRevokeMeasuresLatencyFromTheFirstRevokeCall() {
        Grant g = Grant.pending(new GrantId(7), new NewGrant(ALICE, "orders-db", Optional.empty(),
                Duration.ofMinutes(30), "replica restart needed now", Optional.empty(), 1, T0));
        at(Duration.ZERO, new GrantEvent.Requested(g, Actor.person(ALICE)));
        g = at(Duration.ofSeconds(10), new GrantEvent.Approved(g.approvedBy(BOB, T0.plusSeconds(10)), BOB));
        g = at(Duration.ofSeconds(12), new GrantEvent.Activated(g.provisioningStarted(T0, T0).activated("h", T0.plusSeconds(12)), Optional.empty()));
        Instant asked = T0.plus(Duration.ofMinutes(5));
        Grant claimed = g.revocationClaimed(Optional.of(ALICE), Optional.of("done early"), asked, asked.plusSeconds(60));
        clock.set(asked.plusMillis(600));
        log.append(clock.instant(), 7, "TargetCall", AuditEntry.SYSTEM, Map.of("action", "revoke", "ms", 600));
        clock.set(asked.plusMillis(900));
        recorder.on(GrantEvent.Revoked.of(claimed.revocationSucceeded(clock.instant())));
        String text = view.text(claimed.revocationSucceeded(clock.instant()), log.forGrant(7), CONTEXT);
        assertTrue(text.contains("Revocation latency: *0.9s* (from the first revoke call to the confirmed removal)"),
                text);
        assertTrue(text.contains("<@U0ALICE> ended the access early: done early; it was removed"), text);
        assertFalse(text.contains("TargetCall"), text);
    }

    @Test
    void everyRecordedEventTypeOfALifecycleReadsAsASentenceAndBookkeepingIsLeftOut() {
        Map<String, Boolean> shown = new LinkedHashMap<>();
        for (String type : List.of("Requested", "Approved", "ApprovalRecorded", "EmergencyOffered", "GlassBroken",
                "Activated", "CredentialsRevealed", "ExpiryWarned", "ExtensionRequested", "ExtensionApprovalRecorded", "Extended",
                "ExtensionDenied", "RevocationFailed", "RevocationRecovered", "Expired", "Revoked",
                "RevocationResolved", "TargetCall", "PostMortemOpened", "ReviewReminded", "ReviewWritten", "Reviewed")) {
            AuditEntry e = new AuditEntry(1, T0, 1, type, BOB, Map.of(), "0".repeat(64), "0".repeat(64));
            shown.put(type, view.sentence(e).isPresent());
        }
        shown.forEach((type, present) -> assertEquals(!List.of("TargetCall", "PostMortemOpened", "ReviewReminded",
                "ReviewWritten", "Reviewed").contains(type), present, type));
    }

    @Test
    void aRevealIsRecordedWithWhoAndWhenAndReadsAsASentence() {
        Grant g = Grant.pending(new GrantId(43), new NewGrant(ALICE, "orders-db", Optional.empty(),
                Duration.ofMinutes(30), "the replica is down, need to restart it", Optional.empty(), 1, T0));
        Instant seen = T0.plusSeconds(90);
        at(Duration.ofSeconds(90), new GrantEvent.CredentialsRevealed(g, ALICE, seen, 0));
        AuditEntry e = log.forGrant(43).get(0);
        assertEquals("CredentialsRevealed", e.type());
        assertEquals(ALICE, e.actor());
        assertEquals(seen, e.at());
        assertEquals(0, ((Number) e.details().get("reveals_left")).intValue());
        assertEquals(Optional.of("<@U0ALICE> revealed the credentials"), view.sentence(e));
    }

    @Test
    void anOverrideInTheTemplatesFolderIsUsed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("post-mortem.mustache"), "PM {{id}} by {{{requester}}}: {{#timeline}}[{{at}}]{{/timeline}}");
        PostMortemView custom = new PostMortemView(new Templates(Optional.of(dir), PostMortemView.TEMPLATES), EmergencyKinds.NONE);
        Grant g = expiredLifecycle();
        assertEquals("PM BG-42 by <@U0ALICE>: [09:58:12][09:59:24][09:59:27][10:24:27][10:25:12][10:26:12][10:44:28]",
                custom.text(g, log.forGrant(42), CONTEXT));
    }

    private static List<String> buttons(List<com.slack.api.model.block.LayoutBlock> blocks) {
        List<String> out = new java.util.ArrayList<>();
        for (var b : blocks) {
            if (b instanceof com.slack.api.model.block.ActionsBlock a) {
                a.getElements().forEach(e -> out.add(((com.slack.api.model.block.element.ButtonElement) e).getActionId()));
            }
        }
        return out;
    }

    /** One entry of each type the timeline tells, with user text that tries to ping and link. */
    @Test
    void eachTimelineSentenceMatchesTheGoldenFile() throws IOException {
        String hostile = "<!channel> & <https://evil.example|x>";
        String until = T0.plus(Duration.ofMinutes(30)).toString();
        List<Object[]> entries = List.of(
                new Object[]{"Requested", ALICE, Map.of("target", "orders-db", "role", "admin", "duration", "30m",
                        "incident", "INC-7 " + hostile)},
                new Object[]{"Requested", ALICE, Map.of("target", "orders-db", "duration", "30m")},
                new Object[]{"ApprovalRecorded", BOB, Map.of()},
                new Object[]{"Approved", BOB, Map.of()},
                new Object[]{"EmergencyOffered", AuditEntry.SYSTEM, Map.of()},
                new Object[]{"GlassBroken", ALICE, Map.of()},
                new Object[]{"Activated", AuditEntry.SYSTEM, Map.of("expires_at", until, "credentials_issued", true)},
                new Object[]{"Activated", AuditEntry.SYSTEM, Map.of()},
                new Object[]{"ProvisioningFailed", AuditEntry.SYSTEM, Map.of("error", "refused " + hostile)},
                new Object[]{"CredentialsRevealed", ALICE, Map.of()},
                new Object[]{"RolledBack", AuditEntry.SYSTEM, Map.of("error", "timed out " + hostile)},
                new Object[]{"ExpiryWarned", AuditEntry.SYSTEM, Map.of()},
                new Object[]{"ExtensionRequested", ALICE, Map.of("extra", "15m", "justification", "WAL " + hostile)},
                new Object[]{"ExtensionApprovalRecorded", BOB, Map.of()},
                new Object[]{"Extended", BOB, Map.of("extra", "15m", "expires_at", until)},
                new Object[]{"Extended", BOB, Map.of("extra", "15m")},
                new Object[]{"ExtensionDenied", BOB, Map.of("reason", "no " + hostile)},
                new Object[]{"ExtensionFailed", AuditEntry.SYSTEM, Map.of("error", "refused " + hostile)},
                new Object[]{"RevocationFailed", AuditEntry.SYSTEM, Map.of("attempt", 2, "error", "denied " + hostile)},
                new Object[]{"RevocationRecovered", AuditEntry.SYSTEM, Map.of("attempts", 3)},
                new Object[]{"Expired", AuditEntry.SYSTEM, Map.of()},
                new Object[]{"Revoked", SECURITY, Map.of("reason", "done " + hostile)},
                new Object[]{"Revoked", ALICE, Map.of()},
                new Object[]{"RevocationResolved", SECURITY, Map.of("note", "by hand " + hostile)},
                new Object[]{"RevocationResolved", SECURITY, Map.of()},
                new Object[]{"TargetCall", AuditEntry.SYSTEM, Map.of("action", "revoke", "left_behind",
                        "table t1: dropped\ntable t2 " + hostile + ": reassigned\nview v: dropped\nx\ny\nz",
                        "left_behind_count", 8)},
                new Object[]{"TargetCall", AuditEntry.SYSTEM, Map.of("action", "revoke", "left_behind", "table t1: dropped")},
                new Object[]{"TargetCall", AuditEntry.SYSTEM, Map.of("action", "grant", "outcome", "ok")},
                new Object[]{"StepUpVerified", BOB, Map.of("action", "approve")},
                new Object[]{"StepUpFailed", BOB, Map.of("failure", "wrong", "failures", 2)},
                new Object[]{"StepUpLockedOut", BOB, Map.of("until", "10:13 UTC")},
                new Object[]{"StepUpEnrolled", BOB, Map.of()},
                new Object[]{"StepUpReset", SECURITY, Map.of("user", BOB)},
                new Object[]{"PostMortemOpened", AuditEntry.SYSTEM, Map.of()});
        dev.breakglass.bot.testing.Golden.Cases cases = new dev.breakglass.bot.testing.Golden.Cases();
        int n = 0;
        for (Object[] e : entries) {
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) e[2];
            AuditEntry entry = new AuditEntry(++n, T0, 42, (String) e[0], (String) e[1], details, "0".repeat(64),
                    "0".repeat(64));
            cases.add(n + " " + e[0], view.sentence(entry).orElse("(not told)"));
        }
        cases.assertMatches("post-mortem-timeline.txt");
    }
}

package dev.breakglass.bot.slack.render;

import dev.breakglass.activity.Activity;
import dev.breakglass.activity.ActivitySummary;
import dev.breakglass.activity.Completeness;
import dev.breakglass.bot.testing.BlocksText;
import dev.breakglass.bot.testing.Golden;
import dev.breakglass.bot.testing.SampleGrants;
import dev.breakglass.grant.Grant;
import dev.breakglass.port.ActivityLog.Recorded;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live feed's words ({@code activity-feed.mustache}) against golden files: a batch, a long batch cut to the
 * lines shown with every flagged line kept, a sampled batch, and the security alert. The statements try to ping,
 * mention and link, so the file also shows they stay text.
 */
class ActivityWordsGoldenTest {
    private static final Instant AT = Instant.parse("2026-12-03T08:15:02Z");
    private final ActivityView view = new ActivityView(new Templates(Optional.empty(), List.of()));
    private final Grant g = SampleGrants.active();

    private Recorded row(long seq, String detail, String flag, Completeness completeness) {
        return new Recorded(seq, new Activity(g.id(), AT.plusSeconds(seq), "bg_alice_7", "statement", detail,
                "postgres-log", completeness), Optional.ofNullable(flag), AT.plusSeconds(seq + 1));
    }

    @Test
    void theFeedAndTheAlert() throws IOException {
        Golden.Cases cases = new Golden.Cases();
        List<Recorded> few = List.of(row(1, "select * from orders where id = 7", null, Completeness.COMPLETE),
                row(2, "ALTER ROLE bg_alice_7 PASSWORD 'hunter2'", null, Completeness.COMPLETE),
                row(3, "select '<!channel> <@U0CAROL> <https://evil.example|click> & more'", null,
                        Completeness.COMPLETE),
                row(4, "DROP TABLE orders", "DROP", Completeness.COMPLETE));
        cases.add("a batch", BlocksText.of(ActivityView.sections(view.batch(g, few, 20))));
        List<Recorded> many = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            many.add(row(i, "update orders set n = " + i + (i == 27 ? "; truncate audit" : ""),
                    i == 27 ? "TRUNCATE" : null, Completeness.COMPLETE));
        }
        cases.add("30 lines, 5 shown", BlocksText.of(ActivityView.sections(view.batch(g, many, 5))));
        cases.add("sampled", BlocksText.of(ActivityView.sections(view.batch(g, List.of(
                row(1, "select pg_sleep(1)", null, Completeness.SAMPLED)), 20))));
        cases.add("the alert", BlocksText.of(ActivityView.sections(view.alert(g, List.of(few.get(3),
                row(9, "TRUNCATE audit", "TRUNCATE", Completeness.COMPLETE)), 1,
                "https://example.slack.com/archives/C0APPROVALS/p1700000000000100"))));
        cases.assertMatches("activity-feed.txt");
    }

    /** What a reviewed grant's activity looks like: kinds, flags, a sampled line, hostile text. */
    private List<Recorded> reviewed() {
        return List.of(row(1, "login from 10.0.0.7", null, Completeness.COMPLETE),
                row(2, "select '<!channel> <@U0CAROL>' from orders", null, Completeness.COMPLETE),
                row(3, "DROP TABLE orders_old", "DROP", Completeness.COMPLETE),
                row(4, "select pg_sleep(1)", null, Completeness.SAMPLED));
    }

    @Test
    void theReviewSurfaces() throws IOException {
        Templates templates = new Templates(Optional.empty(), List.of());
        ActivitySummary summary = ActivitySummary.of(reviewed());
        PostMortemView postMortem = new PostMortemView(templates, dev.breakglass.bot.slack.render.EmergencyKinds.NONE);
        HomeView home = new HomeView(templates, dev.breakglass.bot.slack.render.EmergencyKinds.NONE);
        Grant ended = SampleGrants.reviewOpened();
        new Golden.Cases()
                .add("summary", view.summary(summary))
                .add("no activity", "(" + view.summary(ActivitySummary.NONE) + ")")
                .add("post-mortem opening", postMortem.text(ended, List.of(), new PostMortemView.Context(true,
                        Duration.ofHours(24), dev.breakglass.grant.Reply.named("permission.signersOf", "target", "orders-db",
                        "approvers", false), view.summary(summary))))
                .add("home", BlocksText.of(home.blocks(SampleGrants.ALICE, new HomeView.Sections(List.of(),
                        List.of(SampleGrants.active()), List.of(), List.of(ended),
                        Map.of(SampleGrants.active().id(), new ActivitySummary.Counts(12, 2))), SampleGrants.T0)))
                .assertMatches("activity-review.txt");
    }

    @Test
    void aSummaryCountsKindsMostFrequentFirstAndFindsTheFirstAndLastByTime() {
        List<Recorded> rows = new ArrayList<>(reviewed());
        rows.add(new Recorded(5, new Activity(g.id(), AT.minusSeconds(60), "bg_alice_7", "login", "", "sshd",
                Completeness.COMPLETE), Optional.empty(), AT));
        ActivitySummary s = ActivitySummary.of(rows);
        assertEquals(Map.of("statement", 4, "login", 1), s.byKind());
        assertEquals(List.of("statement", "login"), List.copyOf(s.byKind().keySet()));
        assertEquals(5L, s.first().orElseThrow().seq(), "by when it happened, not when it was stored");
        assertEquals(4L, s.last().orElseThrow().seq());
        assertEquals(List.of(3L), s.flagged().stream().map(Recorded::seq).toList());
        assertTrue(s.sampled());
        assertEquals(5, s.total());
    }

    @Test
    void theFirstLinesThenEveryFlaggedOneUpToAsManyAgain() {
        List<Recorded> rows = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            rows.add(row(i, "line " + i, i >= 4 ? "DROP" : null, Completeness.COMPLETE));
        }
        assertEquals(List.of(1L, 2L, 4L, 5L), ActivityView.picked(rows, 2).stream().map(Recorded::seq).toList());
        assertEquals(List.of(1L), ActivityView.picked(rows.subList(0, 1), 2).stream().map(Recorded::seq).toList());
    }
}

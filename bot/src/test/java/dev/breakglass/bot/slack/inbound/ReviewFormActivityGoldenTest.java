package dev.breakglass.bot.slack.inbound;

import com.slack.api.util.json.GsonFactory;
import dev.breakglass.activity.Activity;
import dev.breakglass.activity.ActivitySummary;
import dev.breakglass.activity.Completeness;
import dev.breakglass.bot.slack.render.ActivityView;
import dev.breakglass.bot.slack.render.FormWords;
import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.bot.testing.Golden;
import dev.breakglass.bot.testing.SampleGrants;
import dev.breakglass.grant.Grant;
import dev.breakglass.port.ActivityLog.Recorded;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The review form with the summary of what was done under the grant shown above question 5 ("Any policy violations
 * or suspicious activity?"), against the golden file {@code review-activity.txt}; without activity the form is the
 * one in {@code forms.txt}.
 */
class ReviewFormActivityGoldenTest {
    private final Templates templates = new Templates(Optional.empty(), List.of());
    private final FormWords forms = new FormWords(templates);
    private final ActivityView view = new ActivityView(templates);

    @Test
    void theSummarySitsAboveTheQuestionOnSuspiciousActivity() throws IOException {
        Grant g = SampleGrants.reviewOpened();
        Instant at = Instant.parse("2026-11-21T10:05:00Z");
        List<Recorded> rows = List.of(
                new Recorded(1, new Activity(g.id(), at, "bg_alice_7", "statement", "select 1", "postgres-log",
                        Completeness.COMPLETE), Optional.empty(), at),
                new Recorded(2, new Activity(g.id(), at.plusSeconds(40), "bg_alice_7", "statement",
                        "truncate orders -- <!here>", "postgres-log", Completeness.COMPLETE),
                        Optional.of("TRUNCATE"), at.plusSeconds(41)));
        String summary = view.summary(ActivitySummary.of(rows));
        new Golden.Cases()
                .add("review, with activity", GsonFactory.createSnakeCase().newBuilder().setPrettyPrinting().create()
                        .toJson(ReviewForm.build(g, forms, summary)))
                .assertMatches("review-activity.txt");
    }
}

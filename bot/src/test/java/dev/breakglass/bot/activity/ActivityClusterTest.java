package dev.breakglass.bot.activity;

import dev.breakglass.activity.Activity;
import dev.breakglass.activity.ActivityService;
import dev.breakglass.activity.Completeness;
import dev.breakglass.bot.sandbox.SlackEmulator;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.testing.OffsetClock;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.breakglass.bot.activity.ActivityFeedFlowTest.WHY;
import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two replicas on one PostgreSQL, both running the poll job every 200 ms while Slack rate-limits the poster for a
 * second now and then: every line reaches the grant's thread exactly once, and each message with flagged lines is
 * alerted once (the job runs on one replica at a time, and a rate limit delays the feed without dropping a line).
 */
class ActivityClusterTest {
    private static final Pattern LINE = Pattern.compile("cluster line (\\d+)\\b");
    private static final Pattern MORE = Pattern.compile("…and (\\d+) more");

    @Test
    void twoReplicasPostEachLineOnce() throws Exception {
        OffsetClock clock = OffsetClock.create("activity-cluster");
        try (TestDatabase db = TestDatabase.postgres();
             SlackEmulator slack = SlackEmulator.sandbox(RunningBot.BOT_TOKEN, null, clock)) {
            RunningBot.Builder replica = RunningBot.builder().policy(ActivityFeedFlowTest.policy()).clock(clock)
                    .database(db).slack(slack).property("breakglass.activity.poll-interval", "200ms");
            try (RunningBot one = replica.start().awaitHealthy(Duration.ofSeconds(30));
                 RunningBot two = replica.start().awaitHealthy(Duration.ofSeconds(30))) {
                Workflow flow = new Workflow(one);
                GrantId id = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
                ActivityService[] services = {one.bean(ActivityService.class), two.bean(ActivityService.class)};
                int lines = 40;
                for (int i = 1; i <= lines; i++) {
                    String detail = "cluster line " + i + (i % 10 == 0 ? " DROP TABLE t" + i : "");
                    services[i % 2].record(id, "ingest", List.of(new Activity(id, Instant.now(), "bg_alice",
                            "statement", detail, "ingest", Completeness.COMPLETE)));
                    if (i % 8 == 0) {
                        // Slack holds the poster back for a second, five polls long: a second poll running meanwhile
                        // on either replica would post the same rows again.
                        slack.rateLimitNext("chat.postMessage", 1, 1);
                    }
                    Thread.sleep(60);
                }
                RunningBot.await(Workflow.WAIT, () -> one.bean(JdbcActivityFeed.class).waiting().isEmpty(),
                        () -> "the outbox empties");
                Thread.sleep(1000); // a duplicate would show by now
                // Each line is shown once or counted once in its message's "…and N more" (a message shows 20).
                Map<Integer, Integer> seen = new HashMap<>();
                int counted = 0;
                List<Message> feed = ActivityFeedFlowTest.feed(slack, flow.card(id).ts());
                for (Message m : feed) {
                    String text = ActivityFeedFlowTest.shown(m);
                    Matcher matcher = LINE.matcher(text);
                    while (matcher.find()) {
                        seen.merge(Integer.parseInt(matcher.group(1)), 1, Integer::sum);
                    }
                    Matcher more = MORE.matcher(text);
                    counted += more.find() ? Integer.parseInt(more.group(1)) : 0;
                }
                seen.forEach((line, times) -> assertEquals(1, times, "line " + line + " posted " + times + " times"));
                assertEquals(lines, seen.size() + counted, "every line shown or counted once: " + seen + ", "
                        + counted + " counted");
                long alerted = slack.messages(ActivityFeedFlowTest.SECURITY).stream()
                        .filter(m -> m.text() != null && m.text().contains("Flagged activity under " + id)).count();
                long flaggedBatches = feed.stream().filter(m -> ActivityFeedFlowTest.shown(m).contains("flagged:"))
                        .count();
                assertEquals(flaggedBatches, alerted, "one alert per message with flagged lines");
            }
        }
    }
}

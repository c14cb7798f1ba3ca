package dev.breakglass.bot.activity;

import com.slack.api.methods.MethodsClient;
import com.slack.api.model.Message.Metadata;
import dev.breakglass.activity.Activity;
import dev.breakglass.activity.ActivityService;
import dev.breakglass.activity.Completeness;
import dev.breakglass.bot.sandbox.SlackEmulator;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.slack.outbound.ActivityFeed;
import dev.breakglass.bot.testing.OffsetClock;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivityLog;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.breakglass.bot.activity.ActivityFeedFlowTest.WHY;
import static dev.breakglass.bot.activity.ActivityFeedFlowTest.feed;
import static dev.breakglass.bot.activity.ActivityFeedFlowTest.shown;
import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.APPROVALS;
import static dev.breakglass.bot.testing.Workflow.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feed across a restart and a crash, on PostgreSQL: what one process stored and did not post, the next posts;
 * a post the dead process finished at Slack is found by its mark and not posted again. The poll job runs once an
 * hour here, so the test decides when the feed flushes.
 */
class ActivityFeedRestartTest {

    private static RunningBot.Builder bot(OffsetClock clock, TestDatabase db, SlackEmulator slack, String every) {
        return RunningBot.builder().policy(ActivityFeedFlowTest.policy()).clock(clock).database(db).slack(slack)
                .property("breakglass.activity.poll-interval", every);
    }

    private static List<Activity> lines(GrantId id, int n, String prefix) {
        List<Activity> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new Activity(id, Instant.now(), "bg_alice", "statement", prefix + " " + i, "ingest",
                    Completeness.COMPLETE));
        }
        return out;
    }

    @Test
    void whatOneProcessStoredAndDidNotPostTheNextPostsOnce() {
        OffsetClock clock = OffsetClock.create("activity-restart");
        try (TestDatabase db = TestDatabase.postgres();
             SlackEmulator slack = SlackEmulator.sandbox(RunningBot.BOT_TOKEN, null, clock)) {
            GrantId id;
            String cardTs;
            try (RunningBot first = bot(clock, db, slack, "1h").start().awaitHealthy(Duration.ofSeconds(30))) {
                Workflow flow = new Workflow(first);
                id = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
                cardTs = flow.card(id).ts();
                first.bean(ActivityService.class).record(id, "ingest", lines(id, 30, "before the restart"));
            }
            assertEquals(List.of(), feed(slack, cardTs), "nothing posted before the restart");
            try (RunningBot second = bot(clock, db, slack, "500ms").start().awaitHealthy(Duration.ofSeconds(30))) {
                Workflow flow = new Workflow(second);
                List<Message> posted = ActivityFeedFlowTest.awaitFeed(second, flow, id, 1);
                assertTrue(shown(posted.get(0)).contains("before the restart 1"), shown(posted.get(0)));
                assertTrue(shown(posted.get(0)).contains("…and 10 more"), shown(posted.get(0)));
                RunningBot.await(Workflow.WAIT, () -> second.bean(JdbcActivityFeed.class).waiting().isEmpty(),
                        () -> "the outbox empties");
                second.bean(ActivityFeed.class).flush();
                assertEquals(1, feed(slack, cardTs).size(), "posted once");
                assertEquals(30, second.bean(ActivityLog.class).of(id).size());
            }
        }
    }

    @Test
    void aPostTheDeadProcessFinishedIsFoundByItsMarkAndOneItDidNotFinishIsPosted() throws Exception {
        OffsetClock clock = OffsetClock.create("activity-crash");
        try (TestDatabase db = TestDatabase.postgres();
             SlackEmulator slack = SlackEmulator.sandbox(RunningBot.BOT_TOKEN, null, clock);
             RunningBot bot = bot(clock, db, slack, "1h").start().awaitHealthy(Duration.ofSeconds(30))) {
            Workflow flow = new Workflow(bot);
            JdbcActivityFeed marks = bot.bean(JdbcActivityFeed.class);
            ActivityFeed activityFeed = bot.bean(ActivityFeed.class);
            ActivityService service = bot.bean(ActivityService.class);

            GrantId taken = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
            String takenTs = flow.card(taken).ts();
            long last = ((ActivityService.Recording.Stored) service.record(taken, "ingest",
                    lines(taken, 3, "taken"))).rows().get(2).seq();
            // The dead process committed its attempt, and Slack took the message; its own commit never happened.
            marks.begin(taken, last, Instant.now());
            bot.bean(MethodsClient.class).chatPostMessage(b -> b.channel(APPROVALS).threadTs(takenTs)
                    .text(":mag: *Activity under " + taken + "* (posted by the process that died)")
                    .metadata(new Metadata("breakglass_delivery", Map.of("delivery",
                            "activity:" + taken.value() + ":" + last))));

            GrantId lost = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
            long lostLast = ((ActivityService.Recording.Stored) service.record(lost, "ingest",
                    lines(lost, 2, "lost"))).rows().get(1).seq();
            marks.begin(lost, lostLast, Instant.now()); // died before Slack took it

            activityFeed.flush();
            assertEquals(1, feed(slack, takenTs).size(), "found by its mark, not posted again");
            List<Message> lostFeed = feed(slack, flow.card(lost).ts());
            assertEquals(1, lostFeed.size());
            assertTrue(shown(lostFeed.get(0)).contains("lost 2"), shown(lostFeed.get(0)));
            assertEquals(List.of(), marks.waiting());
            assertTrue(marks.attempt(taken).isEmpty() && marks.attempt(lost).isEmpty());
            activityFeed.flush();
            assertEquals(1, feed(slack, takenTs).size());
            assertEquals(1, feed(slack, flow.card(lost).ts()).size());
        }
    }
}

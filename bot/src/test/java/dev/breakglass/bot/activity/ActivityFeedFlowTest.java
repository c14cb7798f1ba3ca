package dev.breakglass.bot.activity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakglass.activity.Activity;
import dev.breakglass.activity.ActivityService;
import dev.breakglass.activity.Completeness;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.testing.BotExtension;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivityLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.APPROVALS;
import static dev.breakglass.bot.testing.Workflow.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live feed driven as in production: a grant on a target that watches itself ({@link WatchedTargets}), its
 * activity read by the poll job and posted in the grant's thread under the request card, flagged lines alerted in
 * the security channel (here the notify channels: the policy names no {@code security} channel).
 */
class ActivityFeedFlowTest {
    static final String WHY = "orders DB is down, need to restart the replica";
    static final String SECURITY = "C0SECURITY";
    static final String TOKEN = "audit-token-0123456789abcdef";

    @RegisterExtension
    final BotExtension running = BotExtension.with((bot, receiver) -> bot.policy(policy())
            .property("breakglass.activity.poll-interval", "500ms").property("breakglass.audit.token", TOKEN));

    private RunningBot bot;
    private Workflow flow;

    /** The workflow policy with watched targets (no webhook) and two flag phrases. */
    static String policy() {
        return Workflow.policy("http://127.0.0.1:9/unused", "unused-secret-0123456789")
                .replace("adapter: webhook", "adapter: " + WatchedTargets.TYPE)
                .replaceAll("    settings:\n      url: .*\n      secret: .*\n      retries: 1\n", "")
                + "activity:\n  flag: [DROP, TRUNCATE]\n";
    }

    private WatchedTargets target() {
        return bot.bean(WatchedTargets.class);
    }

    /** The messages of the grant's thread that are feed messages, once {@code count} of them are there. */
    static List<Message> awaitFeed(RunningBot bot, Workflow flow, GrantId id, int count) {
        String cardTs = flow.card(id).ts();
        RunningBot.await(Workflow.WAIT, () -> feed(bot.slack(), cardTs).size() >= count,
                () -> "the thread of " + id + " has " + feed(bot.slack(), cardTs).size() + " feed messages, not " + count
                        + ": " + bot.slack().thread(APPROVALS, cardTs));
        return feed(bot.slack(), cardTs);
    }

    static List<Message> feed(dev.breakglass.bot.sandbox.SlackEmulator slack, String cardTs) {
        return slack.thread(APPROVALS, cardTs).stream()
                .filter(m -> m.text() != null && m.text().startsWith(":mag:")).toList();
    }

    static String shown(Message m) {
        StringBuilder out = new StringBuilder();
        for (JsonNode b : m.blocks()) {
            out.append(b.path("text").path("text").asText()).append('\n');
        }
        return out.toString();
    }

    private List<Message> alerts(GrantId id) {
        return bot.slack().messages(SECURITY).stream()
                .filter(m -> m.text() != null && m.text().contains("Flagged activity under " + id)).toList();
    }

    @Test
    void aGrantsActivityAppearsInItsThreadMaskedEscapedAndAFlagAlertsSecurity() {
        GrantId id = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
        target().run(id, "statement", "select * from orders where id = 7");
        target().run(id, "statement", "ALTER ROLE bg_alice PASSWORD 'hunter2-secret'");
        target().run(id, "statement", "select '<!channel> <@U0CAROL> <https://evil.example|x>'");
        target().run(id, "statement", "DROP TABLE orders");
        String text = shown(awaitFeed(bot, flow, id, 1).get(0));
        assertTrue(text.contains("Activity under " + id), text);
        assertTrue(text.contains("select * from orders where id = 7"), text);
        assertFalse(text.contains("hunter2"), "masked before it was stored: " + text);
        assertTrue(text.contains("PASSWORD '***'"), text);
        assertFalse(text.contains("<!channel>") || text.contains("<@U0CAROL>"), "cannot ping: " + text);
        assertTrue(text.contains("&lt;!channel&gt;"), text);
        assertTrue(text.contains(":warning: *flagged: DROP*"), text);

        RunningBot.await(Workflow.WAIT, () -> !alerts(id).isEmpty(), () -> "no alert in " + SECURITY + ": "
                + bot.slack().messages(SECURITY));
        String alert = shown(alerts(id).get(0));
        assertTrue(alert.contains("1 line(s) matched"), alert);
        assertTrue(alert.contains("DROP TABLE orders"), alert);
        assertFalse(alert.contains("select * from orders"), "only flagged lines: " + alert);
        RunningBot.await(Workflow.WAIT, () -> bot.slack().messages("C0MGMT").stream()
                        .anyMatch(m -> m.text() != null && m.text().contains("Flagged activity under " + id)),
                () -> "every notify channel, when there is no security channel");

        target().run(id, "statement", "select 2");
        RunningBot.await(Workflow.WAIT, () -> feed(bot.slack(), flow.card(id).ts()).size() == 2, () -> "second batch");
        assertEquals(1, alerts(id).size(), "a batch without flags alerts nobody");
    }

    @Test
    void fiveHundredLinesAreBatchedAndEveryOneIsExported() throws Exception {
        GrantId id = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
        // stored in one go, as a source read of 500 lines would be
        List<Activity> lines = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            lines.add(new Activity(id, Instant.now(), "bg_alice", "statement", "update orders set n = " + i
                    + (i == 250 ? "; truncate audit" : ""), "ingest", Completeness.COMPLETE));
        }
        bot.bean(ActivityService.class).record(id, "ingest", lines);
        Message batch = awaitFeed(bot, flow, id, 1).get(0);
        String text = shown(batch);
        assertTrue(text.contains("update orders set n = 20\n") || text.contains("update orders set n = 20 "), text);
        assertFalse(text.contains("update orders set n = 21 "), text);
        assertTrue(text.contains("truncate audit"), "a flagged line is never hidden: " + text);
        assertTrue(text.contains("…and 479 more"), text);
        Thread.sleep(1500);
        assertEquals(1, feed(bot.slack(), flow.card(id).ts()).size(), "one message for the batch");

        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        bot.url("/activity/export?grant=" + id)).header("Authorization", "Bearer " + TOKEN).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(500, r.body().lines().count());
    }

    @Test
    void aFailingSourceIsReadAgainAndLosesNothing() {
        GrantId id = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
        target().failReads("log not readable");
        target().run(id, "statement", "select 1");
        int before = target().reads();
        RunningBot.await(Workflow.WAIT, () -> target().reads() >= before + 3, () -> "reads go on after failures");
        assertEquals(List.of(), bot.bean(ActivityLog.class).of(id));
        target().failReads(null);
        target().run(id, "statement", "select 2");
        String text = shown(awaitFeed(bot, flow, id, 1).get(0));
        assertTrue(text.contains("select 1") && text.contains("select 2"), text);
        assertEquals(2, bot.bean(ActivityLog.class).of(id).size());
    }

    @Test
    void sampledActivitySaysSo() {
        target().completeness(Completeness.SAMPLED);
        try {
            GrantId id = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
            target().run(id, "statement", "select 1");
            String text = shown(awaitFeed(bot, flow, id, 1).get(0));
            assertTrue(text.contains("sampled: short actions may be missing"), text);
            assertTrue(text.contains("_(sampled)_"), text);
        } finally {
            target().completeness(Completeness.COMPLETE);
        }
    }

    @Test
    void thePostMortemSummarisesTheActivity() {
        GrantId id = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
        target().run(id, "statement", "select 1");
        target().run(id, "statement", "TRUNCATE audit");
        awaitFeed(bot, flow, id, 1);
        flow.command(ALICE, "revoke " + id + " done");
        String cardTs = flow.card(id).ts();
        RunningBot.await(Workflow.WAIT, () -> bot.slack().thread(APPROVALS, cardTs).stream()
                        .anyMatch(m -> m.blocks() != null && m.blocks().toString().contains("Post-mortem of")
                                && m.blocks().toString().contains("2 action(s) (statement 2)")),
                () -> "the post-mortem never summarised the activity: " + bot.slack().thread(APPROVALS, cardTs));
        Message opening = bot.slack().thread(APPROVALS, cardTs).stream()
                .filter(m -> m.blocks() != null && m.blocks().toString().contains("Post-mortem of")).findFirst()
                .orElseThrow();
        assertTrue(shown(opening).contains("TRUNCATE audit · :warning: *flagged: TRUNCATE*"), shown(opening));
    }
}

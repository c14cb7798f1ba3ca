package dev.breakglass.bot;

import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.persistence.JdbcGrantStore;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.RecordedCall;
import dev.breakglass.bot.sandbox.transport.SlackDelivery;
import dev.breakglass.bot.sandbox.SlackEmulator;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.BotProcess;
import dev.breakglass.bot.testing.ClusterEnv;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.bot.testing.ToldOnce;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing is lost between a change and its consequences: a real bot process stores the approval of a grant and its
 * activation, and is killed with SIGKILL before any consumer ran ({@code BREAKGLASS_EVENTS_HOLD}, the test's crash
 * point: that process stores events and delivers none). After a restart, the audit entries, the card updates, the
 * requester's messages and every notify line exist exactly once, and the audit chain verifies.
 */
class EventsSurviveCrashIT {
    private static final String WHY = "orders database down, restoring the replica";
    @TempDir
    Path dir;
    private TestDatabase db;
    private WebhookReceiver receiver;
    private SlackEmulator slack;
    private JdbcGrantStore grants;
    private final List<BotProcess> bots = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = TestDatabase.postgres();
        receiver = new WebhookReceiver();
        slack = SlackEmulator.sandbox(RunningBot.BOT_TOKEN, null, Clock.systemUTC());
        grants = db.grants();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (BotProcess bot : bots) {
            bot.close();
        }
        slack.close();
        receiver.close();
        db.close();
    }

    private BotProcess bot(String instance, boolean hold) throws Exception {
        Map<String, String> env = ClusterEnv.of(db, slack, receiver, dir, instance);
        env.put("BREAKGLASS_EVENTS_HOLD", Boolean.toString(hold));
        BotProcess bot = new BotProcess(env, dir.resolve("bot-" + instance + ".log"));
        bots.add(bot);
        return bot;
    }

    private SlackDelivery via(BotProcess bot) {
        return slack.httpDelivery(bot.url("/slack/events"), RunningBot.SIGNING_SECRET);
    }

    private Optional<Message> card(GrantId id) {
        return slack.messages(Workflow.APPROVALS).stream().filter(m -> m.blocks() != null
                && m.blocks().path(0).path("text").path("text").asText().endsWith(" " + id)).findFirst();
    }

    private long pendingDeliveries() throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM event_deliveries")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long containing(List<Message> messages, String text) {
        return messages.stream().filter(m -> (m.text() + " " + m.blocks()).contains(text)).count();
    }

    private long postsContaining(String channel, String text) {
        return slack.calls("chat.postMessage").stream().filter(c -> channel.equals(c.param("channel")))
                .map(c -> c.param("text") + " " + c.params().path("blocks"))
                .filter(t -> t.contains(text)).count();
    }

    @Test
    void eventsCommittedByAProcessKilledBeforeAnyConsumerRanAreDeliveredExactlyOnceAfterTheRestart() throws Exception {
        BotProcess first = bot("a", false).start().awaitHealthy(Duration.ofSeconds(90));
        String reply = via(first).slashCommand(Workflow.ALICE, "C0GENERAL", "request orders-db 30m " + WHY)
                .json().path("text").asText();
        GrantId id = Workflow.idIn(reply);
        RunningBot.await(Workflow.WAIT, () -> card(id).isPresent(), () -> "no card for " + id);
        RunningBot.await(Workflow.WAIT, () -> {
            try {
                return pendingDeliveries() == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, () -> "the request's deliveries did not finish");
        first.kill9();
        Message posted = card(id).orElseThrow();
        slack.clearCalls();

        BotProcess held = bot("b", true).start().awaitHealthy(Duration.ofSeconds(90));
        via(held).blockAction(Workflow.BOB, posted.channel(), posted.ts(), GrantCard.APPROVE, id.toString());
        RunningBot.await(Duration.ofSeconds(30), () -> grants.find(id).orElseThrow().state() == GrantState.ACTIVE,
                () -> id + " did not become active");
        held.kill9();
        assertTrue(pendingDeliveries() > 0, "the held process stored deliveries");
        assertEquals(List.of(), slack.calls("chat.update"), "no consumer ran before the kill");
        assertEquals(0, postsContaining("C0SECURITY", "approved by"));
        JdbcAuditLog log = ToldOnce.auditLog(db);
        assertEquals(List.of("Requested"), ToldOnce.eventEntries(log, id));

        bot("c", false).start().awaitHealthy(Duration.ofSeconds(90));
        RunningBot.await(Duration.ofSeconds(30), () -> {
            try {
                return pendingDeliveries() == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, () -> "the stored deliveries were not made after the restart");

        assertEquals(List.of("Requested", "Approved", "Activated"), ToldOnce.eventEntries(log, id), "each entry once, in order");
        assertEquals(Optional.empty(), log.verify(), "the chain verifies");
        List<RecordedCall> updates = slack.calls("chat.update").stream()
                .filter(c -> posted.ts().equals(c.param("ts"))).toList();
        // Both events waited in the card's lane, so the first left the update to the second (ApprovalCard).
        assertEquals(1, updates.size(), "the card updated once for approved and active: " + updates);
        assertTrue(slack.message(posted.channel(), posted.ts()).orElseThrow().blocks().toString()
                .contains("Active until"), "the card shows the latest state");
        assertEquals(1, containing(slack.messages(Workflow.ALICE), "approved your request"));
        assertEquals(1, containing(slack.messages(Workflow.ALICE), "is ready"));
        for (String channel : List.of("C0SECURITY", "C0MGMT")) {
            assertEquals(1, postsContaining(channel, "approved by"), channel + ": approved once");
            assertEquals(1, postsContaining(channel, "active until"), channel + ": active once");
        }
        assertEquals(1, receiver.calls("grant").size(), "provisioned once");
    }
}

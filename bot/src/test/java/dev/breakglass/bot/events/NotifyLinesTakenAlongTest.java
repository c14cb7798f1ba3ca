package dev.breakglass.bot.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.RecordedCall;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A notify channel whose lane is behind hears the waiting lines in one message, and a repeat of that message's
 * delivery after a crash (Slack took the post, the commit never came) says none of them again. The bot holds its
 * events ({@code breakglass.events.hold}); the test makes the deliveries with the bot's own consumers, as its relay
 * would, so the crash can fall exactly between the post and the commit.
 */
class NotifyLinesTakenAlongTest {
    private static final String SECURITY = "C0SECURITY";
    private static final String LANE = EventRoutes.NOTIFY + ":" + SECURITY;
    private final WebhookReceiver receiver = new WebhookReceiver();
    private RunningBot bot;
    private JdbcEventOutbox outbox;
    private Map<String, EventConsumer> consumers;

    @BeforeEach
    void start() {
        String policy = Workflow.policy(receiver).replace("  notify: [C0SECURITY, C0MGMT]\n", "  notify: [C0SECURITY]\n");
        bot = RunningBot.builder().policy(policy).property("breakglass.events.hold", true).start()
                .awaitHealthy(Duration.ofSeconds(20));
        outbox = bot.bean(JdbcEventOutbox.class);
        consumers = bot.context().getBeansOfType(EventConsumer.class).stream()
                .collect(Collectors.toMap(EventConsumer::name, Function.identity()));
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        receiver.close();
    }

    /** The relay's way: each consumer by name; {@code crash} runs after the consumer, before the commit. */
    private JdbcEventOutbox.Handler handler(Runnable crash) {
        return new JdbcEventOutbox.Handler() {
            @Override
            public void handle(String consumer, EventConsumer.Delivery delivery, Connection c) throws Exception {
                consumers.get(consumer).deliver(delivery, c);
                crash.run();
            }

            @Override
            public boolean reachesOut(String consumer) {
                return consumers.get(consumer).reachesOut();
            }
        };
    }

    /** The relay's step: the lane's next delivery through {@code handler}; a failure is the test's. */
    private JdbcEventOutbox.Result deliverNext(String lane, JdbcEventOutbox.Handler handler) throws Exception {
        return outbox.deliverNext(lane, handler, (c, d) -> { }, (l, e) -> { throw new AssertionError(l, e); });
    }

    /** Makes every delivery due outside the notify channel's lane (the cards, so the lines have their links). */
    private void deliverAllButTheChannel() throws Exception {
        JdbcEventOutbox.Handler real = handler(() -> { });
        for (String lane : outbox.dueLanes(1000)) {
            if (!lane.equals(LANE)) {
                while (deliverNext(lane, real) == JdbcEventOutbox.Result.DELIVERED) {
                    // on to the lane's next
                }
            }
        }
    }

    private long pendingInTheChannel() throws Exception {
        try (Connection c = bot.bean(DataSource.class).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM event_deliveries WHERE lane = '" + LANE + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<RecordedCall> posts() {
        return bot.slack().calls("chat.postMessage").stream().filter(c -> SECURITY.equals(c.param("channel"))).toList();
    }

    private static JsonNode metadata(RecordedCall post) throws Exception {
        JsonNode m = post.params().path("metadata");
        return m.isTextual() ? new ObjectMapper().readTree(m.asText()) : m;
    }

    @Test
    void linesWaitingInOneChannelGoOutInOneMessageAndARepeatAfterACrashSaysNoneAgain() throws Exception {
        Workflow flow = new Workflow(bot);
        List<GrantId> ids = List.of(flow.request(ALICE, "orders-db 30m restoring the replica, first"),
                flow.request(ALICE, "orders-db 30m restoring the replica, second"),
                flow.request(ALICE, "orders-db 30m restoring the replica, third"));
        deliverAllButTheChannel();
        assertEquals(3, pendingInTheChannel(), "three requests wait in the channel's lane");

        JdbcEventOutbox.Result crashed = outbox.deliverNext(LANE, handler(() -> {
            throw new IllegalStateException("the process died after Slack took the post");
        }), (c, d) -> { }, (l, e) -> { });
        assertEquals(JdbcEventOutbox.Result.WAITING, crashed);
        assertEquals(1, posts().size(), "one message for the three lines: " + posts());
        String[] lines = posts().get(0).param("text").split("\n");
        assertEquals(3, lines.length, Arrays.toString(lines));
        for (int i = 0; i < 3; i++) {
            assertTrue(lines[i].contains("*" + ids.get(i) + "* requested"), "in order: " + Arrays.toString(lines));
            assertTrue(lines[i].contains("|request card>"), "each line has its card's link: " + lines[i]);
        }
        String along = metadata(posts().get(0)).path("event_payload").path("along").asText();
        assertEquals(2, along.split(",").length, "the message names the two lines it took along: " + along);
        assertEquals(3, pendingInTheChannel(), "nothing committed: the crash came before the commit");

        // The outbox waits out the failure's backoff before the lane is due again; the repeat is made at once here.
        try (Connection c = bot.bean(DataSource.class).getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE event_deliveries SET next_attempt_at = TIMESTAMP '2000-01-01 00:00:00'"
                    + " WHERE lane = '" + LANE + "'");
        }
        assertEquals(JdbcEventOutbox.Result.DELIVERED, deliverNext(LANE, handler(() -> { })));
        assertEquals(0, pendingInTheChannel(), "the repeat found the message and took its lines along");
        assertEquals(1, posts().size(), "nothing said twice: " + posts());
        assertEquals(1, bot.slack().calls("conversations.history").size(), "the repeat looked once");

        GrantId fourth = flow.request(ALICE, "orders-db 30m restoring the replica, fourth");
        deliverAllButTheChannel();
        assertEquals(JdbcEventOutbox.Result.DELIVERED, deliverNext(LANE, handler(() -> { })));
        assertEquals(2, posts().size());
        assertTrue(posts().get(1).param("text").startsWith(":inbox_tray: *" + fourth + "* requested"),
                posts().get(1).param("text"));
        assertTrue(!posts().get(1).param("text").contains("\n"), "a lane that keeps up: one line a message");
        assertTrue(metadata(posts().get(1)).path("event_payload").path("along").isMissingNode(),
                "nothing taken along: " + metadata(posts().get(1)));
    }

    @Test
    void anAlertGoesOutInAMessageOfItsOwnAndTheLinesAroundItInTheirs() throws Exception {
        Workflow flow = new Workflow(bot);
        GrantId broken = flow.request(ALICE, "orders-db:admin 45m restoring the replica, nobody around");
        deliverAllButTheChannel();
        flow.card(broken);
        bot.clock().advance(Duration.ofMinutes(9));
        flow.fire(broken, "emergency_offer");
        RunningBot.await(Workflow.WAIT, () -> {
            try {
                deliverAllButTheChannel();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return flow.directMessages(ALICE, broken).stream()
                    .anyMatch(m -> m.blocks().toString().contains("break the glass alone"));
        }, () -> "no emergency offer for " + broken);
        Message offer = flow.awaitDirectMessage(ALICE, broken, "break the glass alone");
        bot.clock().advance(Duration.ofMinutes(1)); // the emergency opens 10 min after the request
        assertTrue(flow.click(ALICE, offer, GrantCard.BREAK_GLASS, broken).startsWith("You broke the glass"));
        flow.awaitState(broken, GrantState.ACTIVE);
        GrantId after = flow.request(ALICE, "orders-db 30m restoring the replica, after the emergency");
        deliverAllButTheChannel();

        JdbcEventOutbox.Handler real = handler(() -> { });
        while (deliverNext(LANE, real) == JdbcEventOutbox.Result.DELIVERED) {
            // the channel catches up
        }
        assertEquals(0, pendingInTheChannel());
        List<String> texts = posts().stream().map(p -> p.param("text")).toList();
        int alert = texts.stream().filter(t -> t.contains("EMERGENCY break glass")).findFirst().map(texts::indexOf)
                .orElseThrow(() -> new AssertionError("no alert: " + texts));
        assertTrue(!texts.get(alert).contains("\n"), "the alert alone: " + texts.get(alert));
        assertTrue(alert > 0 && texts.get(0).startsWith(":inbox_tray: *" + broken + "* requested"), texts.toString());
        assertTrue(texts.stream().noneMatch(t -> t.contains("EMERGENCY") && t.contains("requested")), texts.toString());
        assertTrue(texts.get(texts.size() - 1).contains("*" + after + "* requested"), texts.toString());
        assertTrue(texts.size() <= alert + 2, "the lines after the alert in one message: " + texts);
    }
}

package dev.breakglass.bot.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakglass.bot.sandbox.transport.DeliveryResult;
import dev.breakglass.bot.sandbox.state.RecordedCall;
import dev.breakglass.bot.sandbox.state.SlackView;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.slack.render.HomeView;
import dev.breakglass.bot.testing.BotExtension;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static dev.breakglass.bot.testing.Workflow.CAROL;
import static dev.breakglass.bot.testing.Workflow.DAVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The App Home tab as Slack drives it: signed {@code app_home_opened} events and Home-tab clicks in,
 * {@code views.publish} out (read back from the emulator's Home of each user). One bot for the class; the tests
 * run in order because the last one fills Carol's approvals beyond what a section lists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppHomeFlowTest {
    private static final String WHY = "orders DB is down, need to restart the replica";
    private static final String REQUESTS = "*Your requests*";
    private static final String ACTIVE = "*Your active access*";
    private static final String APPROVALS = "*Waiting for your approval*";
    private static final String REVIEWS = "*Reviews you owe*";

    @RegisterExtension
    static final BotExtension BOT = BotExtension.withWebhookTarget();

    private RunningBot bot;
    private Workflow flow;

    @Test
    @Order(2)
    void requestShowsOnBothHomesApproveOnTheHomeApprovesAndTheHomesAreRepublished() {
        openHome(ALICE);
        openHome(BOB);
        GrantId id = flow.request(ALICE, "orders-db:admin 30m " + WHY);

        JsonNode aliceHome = awaitHome(ALICE, h -> texts(section(h, REQUESTS)).contains("*" + id + "*"));
        assertTrue(texts(section(aliceHome, REQUESTS)).contains("`orders-db:admin`"), aliceHome.toString());
        assertFalse(texts(section(aliceHome, APPROVALS)).contains("*" + id + "*"), "never your own");

        JsonNode bobHome = awaitHome(BOB, h -> texts(section(h, APPROVALS)).contains("*" + id + "*"));
        JsonNode item = section(bobHome, APPROVALS).stream().filter(b -> b.toString().contains("*" + id + "*"))
                .findFirst().orElseThrow();
        assertEquals(GrantCard.APPROVE, item.path("accessory").path("action_id").asText());
        assertEquals(id.toString(), item.path("accessory").path("value").asText());
        assertTrue(item.path("text").path("text").asText().contains("<@U0ALICE>"), item.toString());
        assertTrue(item.path("text").path("text").asText().contains(WHY), item.toString());

        SlackView bobView = bot.slack().homeView(BOB).orElseThrow();
        DeliveryResult click = bot.deliver().viewBlockAction(BOB, bobView.id(), GrantCard.APPROVE, id.toString());
        assertEquals(200, click.status(), click.answer().body());
        flow.awaitState(id, GrantState.ACTIVE);
        // No response_url on a Home click: the answer comes as a direct message.
        RunningBot.await(Workflow.WAIT, () -> bot.slack().messages(BOB).stream()
                .anyMatch(m -> m.text() != null && m.text().startsWith("You approved " + id)),
                () -> "no answer to Bob: " + bot.slack().messages(BOB));

        JsonNode after = awaitHome(BOB, h -> !h.toString().contains("*" + id + "*"));
        List<RecordedCall> publishes = bot.slack().calls("views.publish");
        assertTrue(publishes.stream().anyMatch(c -> c.toString().contains(BOB)), "views.publish for Bob recorded");
        assertFalse(texts(section(after, APPROVALS)).contains(id.toString()), after.toString());

        JsonNode aliceAfter = awaitHome(ALICE, h -> texts(section(h, ACTIVE)).contains("*" + id + "*"));
        assertTrue(texts(section(aliceAfter, ACTIVE)).contains("30m left"), aliceAfter.toString());
        assertFalse(texts(section(aliceAfter, REQUESTS)).contains("*" + id + "*"), aliceAfter.toString());
    }

    @Test
    @Order(1)
    void someoneWithNothingSeesFriendlyEmptySections() {
        openHome(DAVE);
        JsonNode home = awaitHome(DAVE, h -> true);
        String all = texts(home.path("blocks"));
        assertTrue(all.contains("Hi <@U0DAVE>"), all);
        assertTrue(texts(section(home, REQUESTS)).contains("Nothing waiting"), all);
        assertTrue(texts(section(home, ACTIVE)).contains("You hold no access right now"), all);
        assertTrue(texts(section(home, APPROVALS)).contains("Nothing needs your approval"), all);
        assertTrue(texts(section(home, REVIEWS)).contains("No review waits for you"), all);
    }

    @Test
    @Order(3)
    void injectionInAJustificationRendersInert() {
        openHome(CAROL);
        String evil = "<!channel> ping <@U0DAVE> and <https://evil.example|click here> & more";
        GrantId id = flow.request(ALICE, "orders-db 30m " + evil);
        JsonNode home = awaitHome(CAROL, h -> texts(section(h, APPROVALS)).contains("*" + id + "*"));
        String shown = texts(section(home, APPROVALS));
        assertTrue(shown.contains("&lt;!channel&gt; ping &lt;@U0DAVE&gt; and &lt;https://evil.example|click here&gt; &amp; more"),
                shown);
        assertFalse(shown.contains("<!channel>"), shown);
        assertFalse(shown.contains("<https://evil"), shown);
        assertFalse(shown.contains("<@U0DAVE>"), shown);
    }

    @Test
    @Order(4)
    void manyGrantsStayWithinTheBlockCap() {
        for (int i = 0; i < HomeView.ITEMS_PER_SECTION + 3; i++) {
            flow.request(BOB, "orders-db 30m " + WHY + " #" + i);
        }
        openHome(CAROL);
        JsonNode home = awaitHome(CAROL, h -> h.toString().contains("more; `/breakglass list`"));
        JsonNode blocks = home.path("blocks");
        assertTrue(blocks.size() <= HomeView.MAX_BLOCKS, "blocks: " + blocks.size());
        List<JsonNode> approvals = section(home, APPROVALS);
        long items = approvals.stream().filter(b -> b.has("accessory")).count();
        assertEquals(HomeView.ITEMS_PER_SECTION, items);
        assertTrue(approvals.get(approvals.size() - 1).toString().contains("…and "), approvals.toString());
    }

    private void openHome(String user) {
        DeliveryResult r = bot.deliver().appHomeOpened(user);
        assertEquals(200, r.status(), r.answer().body());
    }

    /** Waits until {@code user}'s published Home satisfies {@code condition}; the view object. */
    private JsonNode awaitHome(String user, Predicate<JsonNode> condition) {
        RunningBot.await(Workflow.WAIT, () -> bot.slack().homeView(user).map(v -> condition.test(v.view())).orElse(false),
                () -> "Home of " + user + ": " + bot.slack().homeView(user).map(v -> v.view().toString()));
        return bot.slack().homeView(user).orElseThrow().view();
    }

    /** The blocks of the section whose heading starts with {@code heading}, the heading included. */
    private static List<JsonNode> section(JsonNode view, String heading) {
        List<JsonNode> out = new ArrayList<>();
        boolean in = false;
        for (JsonNode b : view.path("blocks")) {
            if (b.path("type").asText().equals("divider")) {
                in = false;
            } else if (b.path("text").path("text").asText().startsWith(heading)) {
                in = true;
            }
            if (in) {
                out.add(b);
            }
        }
        if (out.isEmpty()) {
            throw new AssertionError("no section " + heading + " in " + view);
        }
        return out;
    }

    private static String texts(Iterable<JsonNode> blocks) {
        StringBuilder out = new StringBuilder();
        for (JsonNode b : blocks) {
            out.append(b.path("text").path("text").asText());
            b.path("elements").forEach(e -> out.append(e.path("text").asText()));
            out.append('\n');
        }
        return out.toString();
    }
}

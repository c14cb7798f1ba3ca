package dev.breakglass.bot.sandbox.webapi;

import dev.breakglass.bot.sandbox.EmulatorFixture;

import dev.breakglass.bot.sandbox.state.EphemeralMessage;
import dev.breakglass.bot.sandbox.state.Json;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.RecordedCall;
import dev.breakglass.bot.sandbox.state.SlackView;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.asBlocks;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.asElements;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.response.apps.connections.AppsConnectionsOpenResponse;
import com.slack.api.methods.response.auth.AuthTestResponse;
import com.slack.api.methods.response.chat.ChatGetPermalinkResponse;
import com.slack.api.methods.response.chat.ChatPostEphemeralResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.chat.ChatUpdateResponse;
import com.slack.api.methods.response.conversations.ConversationsOpenResponse;
import com.slack.api.methods.response.usergroups.users.UsergroupsUsersListResponse;
import com.slack.api.methods.response.users.UsersInfoResponse;
import com.slack.api.methods.response.views.ViewsOpenResponse;
import com.slack.api.methods.response.views.ViewsPublishResponse;
import com.slack.api.methods.response.views.ViewsPushResponse;
import com.slack.api.methods.response.views.ViewsUpdateResponse;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.view.View;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every Web API method, driven by Slack's own Java client, parsing into the SDK's response classes. */
public class WebApiTest {
    EmulatorFixture f;
    MethodsClient bot;

    @BeforeEach
    void start() {
        f = new EmulatorFixture();
        bot = f.bot();
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    public static List<LayoutBlock> card() {
        return asBlocks(
                section(s -> s.text(markdownText("*BG-7* alice requests `orders-db`"))),
                actions(a -> a.elements(asElements(
                        button(b -> b.actionId("approve").text(plainText("Approve")).value("BG-7").style("primary")),
                        button(b -> b.actionId("deny").text(plainText("Deny")).value("BG-7").style("danger"))))));
    }

    public static View modal(String callbackId) {
        return view(v -> v.type("modal").callbackId(callbackId).privateMetadata("BG-7")
                .title(viewTitle(t -> t.type("plain_text").text("Break glass")))
                .submit(viewSubmit(s -> s.type("plain_text").text("Request")))
                .blocks(asBlocks(input(i -> i.blockId("justification").label(plainText("Justification"))
                        .element(plainTextInput(p -> p.actionId("text").multiline(true)))))));
    }

    public static View home(String text) {
        return view(v -> v.type("home").blocks(asBlocks(section(s -> s.text(markdownText(text))))));
    }

    @Nested
    class Auth {
        @Test
        void authTestSaysWhoTheBotIs() throws Exception {
            AuthTestResponse r = bot.authTest(x -> x);

            assertTrue(r.isOk());
            assertEquals("https://breakglass-sandbox.slack.com/", r.getUrl());
            assertEquals("Breakglass Sandbox", r.getTeam());
            assertEquals("breakglass", r.getUser());
            assertEquals("T0SANDBOX", r.getTeamId());
            assertEquals("U0BREAKGLASS", r.getUserId());
            assertEquals("B0BREAKGLASS", r.getBotId());
            // Bolt reads the bot's scopes from this header of auth.test
            assertTrue(r.getHttpResponseHeaders().get("x-oauth-scopes").get(0).contains("chat:write"));
        }

        @Test
        void anUnknownTokenIsInvalidAuth() throws Exception {
            AuthTestResponse r = f.slack.methods("xoxb-wrong").authTest(x -> x);
            assertFalse(r.isOk());
            assertEquals("invalid_auth", r.getError());
        }

        @Test
        void noTokenIsNotAuthed() throws Exception {
            HttpResponse<String> r = raw("auth.test", "application/x-www-form-urlencoded", "", null);
            assertEquals(200, r.statusCode());
            assertEquals("{\"ok\":false,\"error\":\"not_authed\"}", r.body());
        }

        @Test
        void theTokenMayComeAsAFormArgument() throws Exception {
            HttpResponse<String> r = raw("auth.test", "application/x-www-form-urlencoded",
                    "token=" + EmulatorFixture.BOT_TOKEN, null);
            assertTrue(r.body().contains("\"ok\":true"), r.body());
            assertNull(f.emulator.calls().get(0).param("token"), "tokens are not recorded");
        }

        @Test
        void anAppTokenOnlyOpensConnections() throws Exception {
            assertEquals("not_allowed_token_type", f.app().authTest(x -> x).getError());
            assertEquals("not_allowed_token_type", f.app().chatPostMessage(x -> x.channel("C0GENERAL").text("hi")).getError());
        }

        @Test
        void anUnknownMethodIsUnknownMethodWithStatus200() throws Exception {
            HttpResponse<String> r = raw("chat.postMessagee", "application/x-www-form-urlencoded", "", EmulatorFixture.BOT_TOKEN);
            assertEquals(200, r.statusCode());
            JsonNode body = Json.parse(r.body());
            assertFalse(body.get("ok").asBoolean());
            assertEquals("unknown_method", body.get("error").asText());
            assertEquals("chat.postMessagee", body.get("req_method").asText());
        }
    }

    @Nested
    class PostMessage {
        @Test
        void postsAndAnswersChannelTsAndMessage() throws Exception {
            ChatPostMessageResponse r = bot.chatPostMessage(x -> x.channel("C0APPROVALS").text("BG-7 needs approval").blocks(card()));

            assertTrue(r.isOk(), r.getError());
            assertEquals("C0APPROVALS", r.getChannel());
            assertEquals("1700000000.000000", r.getTs());
            assertEquals("BG-7 needs approval", r.getMessage().getText());
            assertEquals("U0BREAKGLASS", r.getMessage().getUser());
            assertEquals("B0BREAKGLASS", r.getMessage().getBotId());
            assertEquals(2, r.getMessage().getBlocks().size());
            // Slack fills in block_ids the app left out
            assertNotNull(r.getMessage().getBlocks().get(0).getBlockId());

            Message stored = f.emulator.messages("C0APPROVALS").get(0);
            assertEquals(r.getTs(), stored.ts());
            assertEquals("approve", stored.blocks().get(1).get("elements").get(0).get("action_id").asText());
        }

        @Test
        void tsValuesAreUniqueAndIncreasingEvenWhenTheClockStands() throws Exception {
            List<String> ts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ts.add(bot.chatPostMessage(x -> x.channel("C0GENERAL").text("m")).getTs());
            }
            f.clock.advance(java.time.Duration.ofMillis(1500));
            ts.add(bot.chatPostMessage(x -> x.channel("C0GENERAL").text("m")).getTs());

            assertEquals(List.of("1700000000.000000", "1700000000.000100", "1700000000.000200", "1700000001.500000"), ts);
        }

        @Test
        void aUserIdPostsToTheDirectMessage() throws Exception {
            ChatPostMessageResponse r = bot.chatPostMessage(x -> x.channel("U0ALICE").text("your grant is active"));

            assertTrue(r.isOk());
            assertEquals("D0ALICE", r.getChannel());
            assertEquals("your grant is active", f.emulator.messages("U0ALICE").get(0).text());
            assertEquals(1, f.emulator.messages("D0ALICE").size());
        }

        @Test
        void repliesInAThread() throws Exception {
            String card = bot.chatPostMessage(x -> x.channel("C0APPROVALS").text("card")).getTs();
            ChatPostMessageResponse reply = bot.chatPostMessage(x -> x.channel("C0APPROVALS").threadTs(card).text("post-mortem"));

            assertEquals(card, reply.getMessage().getThreadTs());
            assertEquals(List.of("post-mortem"), f.emulator.thread("C0APPROVALS", card).stream().map(Message::text).toList());
        }

        @Test
        void anUnknownOrMissingChannelIsChannelNotFound() throws Exception {
            assertEquals("channel_not_found", bot.chatPostMessage(x -> x.channel("C0NOPE").text("x")).getError());
            assertEquals("channel_not_found", bot.chatPostMessage(x -> x.text("x")).getError());
            assertEquals("channel_not_found", bot.chatPostMessage(x -> x.channel("U0NOBODY").text("x")).getError());
        }

        @Test
        void noTextAndNoBlocksIsNoText() throws Exception {
            assertEquals("no_text", bot.chatPostMessage(x -> x.channel("C0GENERAL")).getError());
        }

        @Test
        void moreThanFiftyBlocksIsInvalidBlocks() throws Exception {
            List<LayoutBlock> blocks = new ArrayList<>();
            for (int i = 0; i < 51; i++) {
                blocks.add(divider());
            }
            ChatPostMessageResponse r = bot.chatPostMessage(x -> x.channel("C0GENERAL").text("x").blocks(blocks));
            assertEquals("invalid_blocks", r.getError());
            assertEquals(List.of("[ERROR] must be less than 51 items [json-pointer:/blocks]"), r.getResponseMetadata().getMessages());
        }

        @Test
        void aTooLongSectionIsInvalidBlocks() throws Exception {
            String text = "x".repeat(3001);
            ChatPostMessageResponse r = bot.chatPostMessage(x -> x.channel("C0GENERAL").text("x")
                    .blocks(asBlocks(section(s -> s.text(markdownText(text))))));
            assertEquals("invalid_blocks", r.getError());
            assertTrue(r.getResponseMetadata().getMessages().get(0).contains("/blocks/0/text/text"));
        }

        @Test
        void blocksThatAreNotJsonAreInvalidBlocksFormat() throws Exception {
            assertEquals("invalid_blocks_format",
                    bot.chatPostMessage(x -> x.channel("C0GENERAL").text("x").blocksAsString("[{not json")).getError());
        }

        @Test
        void theCallIsRecordedWithBlocksParsed() throws Exception {
            bot.chatPostMessage(x -> x.channel("C0APPROVALS").text("card").blocks(card()));

            RecordedCall call = f.emulator.calls("chat.postMessage").get(0);
            assertEquals("C0APPROVALS", call.param("channel"));
            assertTrue(call.params().get("blocks").isArray(), "blocks arrive as a JSON string and are recorded parsed");
            assertEquals("approve", call.params().get("blocks").get(1).get("elements").get(0).get("action_id").asText());
            assertFalse(call.params().has("token"));
            assertEquals(EmulatorFixture.START, call.at());
            assertTrue(call.ok());

            f.emulator.clearCalls();
            assertTrue(f.emulator.calls().isEmpty());
            assertEquals(1, f.emulator.messages("C0APPROVALS").size(), "clearCalls keeps the messages");
        }

        @Test
        void aJsonBodyWorksWithABearerToken() throws Exception {
            HttpResponse<String> r = raw("chat.postMessage", "application/json; charset=utf-8",
                    "{\"channel\":\"C0GENERAL\",\"text\":\"json\",\"blocks\":[{\"type\":\"divider\"}]}", EmulatorFixture.BOT_TOKEN);
            JsonNode body = Json.parse(r.body());
            assertTrue(body.get("ok").asBoolean(), r.body());
            assertEquals("divider", f.emulator.messages("C0GENERAL").get(0).blocks().get(0).get("type").asText());
        }

        @Test
        void aTokenInsideAJsonBodyDoesNotAuthenticate() throws Exception {
            HttpResponse<String> r = raw("chat.postMessage", "application/json",
                    "{\"token\":\"" + EmulatorFixture.BOT_TOKEN + "\",\"channel\":\"C0GENERAL\",\"text\":\"x\"}", null);
            assertEquals("not_authed", Json.parse(r.body()).get("error").asText());
        }
    }

    @Nested
    class Update {
        @Test
        void updatesAndKeepsTheHistory() throws Exception {
            String ts = bot.chatPostMessage(x -> x.channel("C0APPROVALS").text("pending").blocks(card())).getTs();
            f.clock.advance(java.time.Duration.ofSeconds(5));
            ChatUpdateResponse r = bot.chatUpdate(x -> x.channel("C0APPROVALS").ts(ts).text("approved by bob")
                    .blocks(asBlocks(section(s -> s.text(markdownText("Approved"))))));

            assertTrue(r.isOk(), r.getError());
            assertEquals("C0APPROVALS", r.getChannel());
            assertEquals(ts, r.getTs());
            assertEquals("approved by bob", r.getText());
            assertEquals("Approved", ((SectionBlock) r.getMessage().getBlocks().get(0)).getText().getText());

            Message m = f.emulator.message("C0APPROVALS", ts).orElseThrow();
            assertTrue(m.edited());
            assertEquals(List.of("pending", "approved by bob"), m.revisions().stream().map(Message.Revision::text).toList());
            assertEquals(List.of("chat.postMessage", "chat.update"), m.revisions().stream().map(Message.Revision::via).toList());
            assertEquals(EmulatorFixture.START.plusSeconds(5), m.revisions().get(1).at());
        }

        @Test
        void blocksOnlyKeepsTheText() throws Exception {
            String ts = bot.chatPostMessage(x -> x.channel("C0APPROVALS").text("fallback").blocks(card())).getTs();
            bot.chatUpdate(x -> x.channel("C0APPROVALS").ts(ts).blocks(asBlocks(divider())));

            Message m = f.emulator.message("C0APPROVALS", ts).orElseThrow();
            assertEquals("fallback", m.text());
            assertEquals(1, m.blocks().size());
        }

        @Test
        void anUnknownTsIsMessageNotFound() throws Exception {
            assertEquals("message_not_found", bot.chatUpdate(x -> x.channel("C0APPROVALS").ts("1.000000").text("x")).getError());
        }

        @Test
        void anUnknownChannelIsChannelNotFound() throws Exception {
            assertEquals("channel_not_found", bot.chatUpdate(x -> x.channel("C0NOPE").ts("1.000000").text("x")).getError());
        }

        @Test
        void nothingToSetIsNoText() throws Exception {
            String ts = bot.chatPostMessage(x -> x.channel("C0GENERAL").text("a")).getTs();
            assertEquals("no_text", bot.chatUpdate(x -> x.channel("C0GENERAL").ts(ts)).getError());
        }
    }

    @Nested
    class Ephemeral {
        @Test
        void postsForOneUser() throws Exception {
            ChatPostEphemeralResponse r = bot.chatPostEphemeral(x -> x.channel("C0GENERAL").user("U0ALICE").text("only you"));

            assertTrue(r.isOk(), r.getError());
            assertNotNull(r.getMessageTs());
            List<EphemeralMessage> seen = f.emulator.ephemeralMessages("C0GENERAL", "U0ALICE");
            assertEquals(1, seen.size());
            assertEquals("only you", seen.get(0).text());
            assertEquals(r.getMessageTs(), seen.get(0).messageTs());
            assertTrue(f.emulator.ephemeralMessages("C0GENERAL", "U0BOB").isEmpty());
            assertTrue(f.emulator.messages("C0GENERAL").isEmpty(), "ephemeral messages are not channel messages");
        }

        @Test
        void anUnknownUserIsUserNotInChannel() throws Exception {
            assertEquals("user_not_in_channel", bot.chatPostEphemeral(x -> x.channel("C0GENERAL").user("U0NOBODY").text("x")).getError());
        }

        @Test
        void anotherUsersDmIsUserNotInChannel() throws Exception {
            String dm = f.emulator.dmChannel("U0ALICE");
            assertEquals("user_not_in_channel", bot.chatPostEphemeral(x -> x.channel(dm).user("U0BOB").text("x")).getError());
        }

        @Test
        void anUnknownChannelIsChannelNotFound() throws Exception {
            assertEquals("channel_not_found", bot.chatPostEphemeral(x -> x.channel("C0NOPE").user("U0ALICE").text("x")).getError());
        }
    }

    @Nested
    class Permalink {
        @Test
        void linksToTheMessageAndToThreadReplies() throws Exception {
            String card = bot.chatPostMessage(x -> x.channel("C0APPROVALS").text("card")).getTs();
            String reply = bot.chatPostMessage(x -> x.channel("C0APPROVALS").threadTs(card).text("reply")).getTs();

            ChatGetPermalinkResponse r = bot.chatGetPermalink(x -> x.channel("C0APPROVALS").messageTs(card));
            assertTrue(r.isOk(), r.getError());
            assertEquals("C0APPROVALS", r.getChannel());
            assertEquals("https://breakglass-sandbox.slack.com/archives/C0APPROVALS/p1700000000000000", r.getPermalink());
            assertEquals("https://breakglass-sandbox.slack.com/archives/C0APPROVALS/p1700000000000100?thread_ts=" + card
                    + "&cid=C0APPROVALS", bot.chatGetPermalink(x -> x.channel("C0APPROVALS").messageTs(reply)).getPermalink());
        }

        @Test
        void anUnknownMessageIsMessageNotFound() throws Exception {
            assertEquals("message_not_found", bot.chatGetPermalink(x -> x.channel("C0APPROVALS").messageTs("1.000000")).getError());
            assertEquals("channel_not_found", bot.chatGetPermalink(x -> x.channel("C0NOPE").messageTs("1.000000")).getError());
        }
    }

    @Nested
    class ViewsMethods {
        @Test
        void opensAModalWithAnIssuedTrigger() throws Exception {
            String trigger = f.emulator.issueTriggerId("U0ALICE");
            ViewsOpenResponse r = bot.viewsOpen(x -> x.triggerId(trigger).view(modal("request")));

            assertTrue(r.isOk(), r.getError());
            View v = r.getView();
            assertTrue(v.getId().startsWith("V"));
            assertEquals("modal", v.getType());
            assertEquals("request", v.getCallbackId());
            assertEquals("BG-7", v.getPrivateMetadata());
            assertEquals(v.getId(), v.getRootViewId());
            assertEquals("T0SANDBOX", v.getTeamId());
            assertEquals("A0BREAKGLASS", v.getAppId());
            assertNotNull(v.getHash());
            assertEquals("justification", v.getBlocks().get(0).getBlockId());

            SlackView stored = f.emulator.openModal("U0ALICE").orElseThrow();
            assertEquals(v.getId(), stored.id());
            assertEquals("request", stored.callbackId());
            assertTrue(f.emulator.calls("views.open").get(0).params().get("view").isObject(), "view is recorded parsed");
        }

        @Test
        void aTriggerWorksOnce() throws Exception {
            String trigger = f.emulator.issueTriggerId("U0ALICE");
            assertTrue(bot.viewsOpen(x -> x.triggerId(trigger).view(modal("a"))).isOk());
            assertEquals("exchanged_trigger_id", bot.viewsOpen(x -> x.triggerId(trigger).view(modal("b"))).getError());
        }

        @Test
        void aTriggerNotIssuedHereIsInvalid() throws Exception {
            assertEquals("invalid_trigger_id", bot.viewsOpen(x -> x.triggerId("12345.98765.abcd2358fdea").view(modal("a"))).getError());
        }

        @Test
        void noTriggerIsInvalidArguments() throws Exception {
            ViewsOpenResponse r = bot.viewsOpen(x -> x.view(modal("a")));
            assertEquals("invalid_arguments", r.getError());
            assertEquals(List.of("invalid `trigger_id`"), r.getResponseMetadata().getMessages());
        }

        @Test
        void aBadViewIsInvalidArgumentsAndDoesNotBurnTheTrigger() throws Exception {
            String trigger = f.emulator.issueTriggerId("U0ALICE");
            View tooLongTitle = view(v -> v.type("modal").title(viewTitle(t -> t.type("plain_text").text("x".repeat(25))))
                    .blocks(asBlocks(divider())));
            ViewsOpenResponse r = bot.viewsOpen(x -> x.triggerId(trigger).view(tooLongTitle));

            assertEquals("invalid_arguments", r.getError());
            assertEquals(List.of("[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"),
                    r.getResponseMetadata().getMessages());
            assertTrue(bot.viewsOpen(x -> x.triggerId(trigger).view(modal("a"))).isOk());
        }

        @Test
        void updatesByViewIdOrExternalIdAndChecksTheHash() throws Exception {
            String trigger = f.emulator.issueTriggerId("U0ALICE");
            View opened = bot.viewsOpen(x -> x.triggerId(trigger).view(view(v -> v.type("modal").externalId("bg-7")
                    .title(viewTitle(t -> t.type("plain_text").text("Step 1"))).blocks(asBlocks(divider()))))).getView();

            View step2 = view(v -> v.type("modal").externalId("bg-7").callbackId("step2")
                    .title(viewTitle(t -> t.type("plain_text").text("Step 2"))).blocks(asBlocks(divider())));
            ViewsUpdateResponse byId = bot.viewsUpdate(x -> x.viewId(opened.getId()).hash(opened.getHash()).view(step2));
            assertTrue(byId.isOk(), byId.getError());
            assertEquals(opened.getId(), byId.getView().getId());
            assertEquals("step2", byId.getView().getCallbackId());

            assertEquals("hash_conflict", bot.viewsUpdate(x -> x.viewId(opened.getId()).hash(opened.getHash()).view(modal("x"))).getError());

            View withExternal = view(v -> v.type("modal").externalId("bg-7").callbackId("step3")
                    .title(viewTitle(t -> t.type("plain_text").text("Step 3"))).blocks(asBlocks(divider())));
            ViewsUpdateResponse byExternal = bot.viewsUpdate(x -> x.externalId("bg-7").view(withExternal));
            assertTrue(byExternal.isOk(), byExternal.getError());
            assertEquals("step3", f.emulator.view(opened.getId()).orElseThrow().callbackId());
            assertEquals(3, f.emulator.view(opened.getId()).orElseThrow().history().size());
        }

        @Test
        void anUnknownViewIsNotFound() throws Exception {
            // Slack's documented error for views.update is not_found (slack-samples/responses/views.update.error.json)
            assertEquals("not_found", bot.viewsUpdate(x -> x.viewId("V0NOPE").view(modal("x"))).getError());
        }

        @Test
        void pushesUpToThreeDeep() throws Exception {
            bot.viewsOpen(x -> x.triggerId(f.emulator.issueTriggerId("U0ALICE")).view(modal("root")));
            ViewsPushResponse second = bot.viewsPush(x -> x.triggerId(f.emulator.issueTriggerId("U0ALICE")).view(modal("second")));
            assertTrue(second.isOk(), second.getError());
            assertNotNull(second.getView().getPreviousViewId());
            assertTrue(bot.viewsPush(x -> x.triggerId(f.emulator.issueTriggerId("U0ALICE")).view(modal("third"))).isOk());
            assertEquals("push_limit_reached",
                    bot.viewsPush(x -> x.triggerId(f.emulator.issueTriggerId("U0ALICE")).view(modal("fourth"))).getError());
            assertEquals("third", f.emulator.openModal("U0ALICE").orElseThrow().callbackId());
        }

        @Test
        void publishesTheHomeTab() throws Exception {
            ViewsPublishResponse first = bot.viewsPublish(x -> x.userId("U0BOB").view(home("No pending grants")));
            assertTrue(first.isOk(), first.getError());
            assertEquals("home", first.getView().getType());

            ViewsPublishResponse second = bot.viewsPublish(x -> x.userId("U0BOB").hash(first.getView().getHash()).view(home("1 pending")));
            assertTrue(second.isOk(), second.getError());
            assertEquals(first.getView().getId(), second.getView().getId(), "one Home tab per user");
            assertEquals("1 pending", f.emulator.homeView("U0BOB").orElseThrow().view().get("blocks").get(0).get("text").get("text").asText());

            assertEquals("hash_conflict", bot.viewsPublish(x -> x.userId("U0BOB").hash(first.getView().getHash()).view(home("x"))).getError());
        }

        @Test
        void publishingForAnUnknownUserIsInvalidArguments() throws Exception {
            ViewsPublishResponse r = bot.viewsPublish(x -> x.userId("U0NOBODY").view(home("x")));
            assertEquals("invalid_arguments", r.getError());
            assertEquals(List.of("invalid `user_id`"), r.getResponseMetadata().getMessages());
        }

        @Test
        void aModalIsNotAHomeTab() throws Exception {
            assertEquals("invalid_arguments", bot.viewsPublish(x -> x.userId("U0BOB").view(modal("x"))).getError());
        }
    }

    @Nested
    class Conversations {
        @Test
        void opensADirectMessage() throws Exception {
            ConversationsOpenResponse first = bot.conversationsOpen(x -> x.users(List.of("U0CAROL")));
            assertTrue(first.isOk(), first.getError());
            assertEquals("D0CAROL", first.getChannel().getId());
            assertFalse(first.isAlreadyOpen());

            ConversationsOpenResponse again = bot.conversationsOpen(x -> x.users(List.of("U0CAROL")).returnIm(true));
            assertTrue(again.isAlreadyOpen());
            assertTrue(again.isNoOp());
            assertEquals("U0CAROL", again.getChannel().getUser());

            assertTrue(bot.chatPostMessage(x -> x.channel(first.getChannel().getId()).text("hi")).isOk());
            assertEquals("hi", f.emulator.messages("U0CAROL").get(0).text());
        }

        @Test
        void opensAGroupMessage() throws Exception {
            ConversationsOpenResponse r = bot.conversationsOpen(x -> x.users(List.of("U0BOB", "U0ALICE")));
            assertTrue(r.isOk(), r.getError());
            assertTrue(r.getChannel().getId().startsWith("G"));
            assertTrue(bot.chatPostMessage(x -> x.channel(r.getChannel().getId()).text("both of you")).isOk());
        }

        @Test
        void errors() throws Exception {
            assertEquals("user_not_found", bot.conversationsOpen(x -> x.users(List.of("U0NOBODY"))).getError());
            assertEquals("users_list_not_supplied", bot.conversationsOpen(x -> x).getError());
            assertEquals("cannot_dm_bot", bot.conversationsOpen(x -> x.users(List.of("U0BREAKGLASS"))).getError());
        }
    }

    @Nested
    class UsersAndGroups {
        @Test
        void usersInfoAnswersTheProfile() throws Exception {
            UsersInfoResponse r = bot.usersInfo(x -> x.user("U0CAROL"));

            assertTrue(r.isOk(), r.getError());
            assertEquals("U0CAROL", r.getUser().getId());
            assertEquals("carol", r.getUser().getName());
            assertEquals("Carol Chen", r.getUser().getRealName());
            assertEquals("carol@sandbox.example", r.getUser().getProfile().getEmail());
            assertEquals("Security lead", r.getUser().getProfile().getTitle());
            assertEquals("America/Los_Angeles", r.getUser().getTz());
            assertEquals(-8 * 3600, r.getUser().getTzOffset(), "14 Nov 2023 is standard time in Los Angeles");
            assertEquals("Pacific Standard Time", r.getUser().getTzLabel());
            assertFalse(r.getUser().isBot());
            assertEquals("T0SANDBOX", r.getUser().getTeamId());
        }

        @Test
        void usersInfoKnowsTheBot() throws Exception {
            UsersInfoResponse r = bot.usersInfo(x -> x.user("U0BREAKGLASS"));
            assertTrue(r.getUser().isBot());
            assertEquals("B0BREAKGLASS", r.getUser().getProfile().getBotId());
        }

        @Test
        void anUnknownUserIsUserNotFound() throws Exception {
            assertEquals("user_not_found", bot.usersInfo(x -> x.user("U0NOBODY")).getError());
        }

        @Test
        void listsGroupMembers() throws Exception {
            UsergroupsUsersListResponse r = bot.usergroupsUsersList(x -> x.usergroup("S0ONCALL"));
            assertTrue(r.isOk(), r.getError());
            assertEquals(List.of("U0ALICE", "U0BOB"), r.getUsers());
        }

        @Test
        void anUnknownGroupIsNoSuchSubteam() throws Exception {
            assertEquals("no_such_subteam", bot.usergroupsUsersList(x -> x.usergroup("S0NOPE")).getError());
        }
    }

    @Nested
    class Connections {
        @Test
        void theAppTokenGetsAWebSocketUrl() throws Exception {
            AppsConnectionsOpenResponse r = f.app().appsConnectionsOpen(x -> x);
            assertTrue(r.isOk(), r.getError());
            assertTrue(r.getUrl().startsWith("ws://127.0.0.1:" + f.emulator.socketModeServer().port() + "/link/?ticket="), r.getUrl());
            assertTrue(r.getUrl().endsWith("&app_id=A0BREAKGLASS"));
        }

        @Test
        void theBotTokenCannotOpenConnections() throws Exception {
            assertEquals("not_allowed_token_type", bot.appsConnectionsOpen(x -> x).getError());
        }
    }

    private HttpResponse<String> raw(String method, String contentType, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(f.emulator.apiUrl() + method))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.breakglass.bot.sandbox;

import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.ResponseUrlPost;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.asBlocks;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.asElements;
import static com.slack.api.model.block.element.BlockElements.button;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.bolt.util.Responder;
import com.slack.api.webhook.WebhookResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Response URLs, posted to with Bolt's own Responder (what {@code ctx.respond} uses). */
class ResponseUrlTest {
    EmulatorFixture f;

    @BeforeEach
    void start() {
        f = new EmulatorFixture();
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private Responder responder(String url) {
        return new Responder(f.slack, url);
    }

    @Test
    void aCommandResponseIsEphemeralByDefault() throws Exception {
        String url = f.emulator.issueResponseUrl("C0GENERAL", "U0ALICE", null, false);
        assertTrue(url.startsWith("http://127.0.0.1:" + f.emulator.port() + "/response/"));

        WebhookResponse r = responder(url).sendToCommand(b -> b.text("BG-7 requested"));

        assertEquals(200, r.getCode());
        assertEquals("ok", r.getBody());
        assertEquals("BG-7 requested", f.emulator.ephemeralMessages("C0GENERAL", "U0ALICE").get(0).text());
        assertEquals("response_url", f.emulator.ephemeralMessages("U0ALICE").get(0).via());
        assertTrue(f.emulator.messages("C0GENERAL").isEmpty());

        ResponseUrlPost post = f.emulator.responseUrlPosts().get(0);
        assertEquals(url, post.url());
        assertEquals("U0ALICE", post.user());
        assertEquals("BG-7 requested", post.body().get("text").asText());
    }

    @Test
    void inChannelPostsAMessage() throws Exception {
        String url = f.emulator.issueResponseUrl("C0GENERAL", "U0ALICE", null, false);
        responder(url).sendToCommand(b -> b.responseType("in_channel").text("for everyone"));
        assertEquals("for everyone", f.emulator.messages("C0GENERAL").get(0).text());
    }

    @Test
    void replaceOriginalEditsTheClickedMessage() throws Exception {
        String ts = f.bot().chatPostMessage(x -> x.channel("C0APPROVALS").text("card")
                .blocks(asBlocks(actions(a -> a.elements(asElements(button(b -> b.actionId("approve").text(plainText("Approve"))))))))).getTs();
        String url = f.emulator.issueResponseUrl("C0APPROVALS", "U0BOB", ts, false);

        responder(url).sendToAction(b -> b.replaceOriginal(true).text("Approved by bob"));

        Message m = f.emulator.message("C0APPROVALS", ts).orElseThrow();
        assertEquals("Approved by bob", m.text());
        assertEquals(List.of("chat.postMessage", "response_url"), m.revisions().stream().map(Message.Revision::via).toList());
    }

    @Test
    void deleteOriginalRemovesTheMessage() throws Exception {
        String ts = f.bot().chatPostMessage(x -> x.channel("C0APPROVALS").text("card")).getTs();
        String url = f.emulator.issueResponseUrl("C0APPROVALS", "U0BOB", ts, false);

        responder(url).sendToAction(b -> b.deleteOriginal(true));

        assertTrue(f.emulator.message("C0APPROVALS", ts).isEmpty());
        assertTrue(f.emulator.messages("C0APPROVALS").get(0).deleted());
    }

    @Test
    void replaceAndDeleteWorkOnEphemeralOriginals() throws Exception {
        String ts = f.bot().chatPostEphemeral(x -> x.channel("C0GENERAL").user("U0ALICE").text("Reveal?")).getMessageTs();
        String url = f.emulator.issueResponseUrl("C0GENERAL", "U0ALICE", ts, true);

        responder(url).sendToAction(b -> b.replaceOriginal(true).text("Revealed once"));
        assertEquals("Revealed once", f.emulator.ephemeralMessages("C0GENERAL", "U0ALICE").get(0).text());

        responder(url).sendToAction(b -> b.deleteOriginal(true));
        assertTrue(f.emulator.ephemeralMessages("C0GENERAL", "U0ALICE").isEmpty());
    }

    @Test
    void fiveUsesThenUsedUrl() throws Exception {
        String url = f.emulator.issueResponseUrl("C0GENERAL", "U0ALICE", null, false);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, responder(url).sendToCommand(b -> b.text("x")).getCode());
        }
        WebhookResponse sixth = responder(url).sendToCommand(b -> b.text("x"));
        assertEquals(404, sixth.getCode());
        assertEquals("used_url", sixth.getBody());
        assertEquals(5, f.emulator.ephemeralMessages("U0ALICE").size());
    }

    @Test
    void thirtyMinutesThenExpiredUrl() throws Exception {
        String url = f.emulator.issueResponseUrl("C0GENERAL", "U0ALICE", null, false);
        f.clock.advance(Duration.ofMinutes(29).plusSeconds(59));
        assertEquals(200, responder(url).sendToCommand(b -> b.text("x")).getCode());
        f.clock.advance(Duration.ofSeconds(1));
        WebhookResponse late = responder(url).sendToCommand(b -> b.text("x"));
        assertEquals(404, late.getCode());
        assertEquals("expired_url", late.getBody());
    }

    @Test
    void aUrlNeverIssuedIsNoService() throws Exception {
        WebhookResponse r = responder(f.emulator.apiUrl().replace("/api/", "/response/") + "9/abc").sendToCommand(b -> b.text("x"));
        assertEquals(404, r.getCode());
        assertEquals("no_service", r.getBody());
        assertFalse(f.emulator.responseUrlPosts().isEmpty(), "refused posts are recorded too");
    }

    @Test
    void nothingToShowIsNoText() throws Exception {
        String url = f.emulator.issueResponseUrl("C0GENERAL", "U0ALICE", null, false);
        WebhookResponse r = responder(url).sendToCommand(b -> b);
        assertEquals(400, r.getCode());
        assertEquals("no_text", r.getBody());
    }
}

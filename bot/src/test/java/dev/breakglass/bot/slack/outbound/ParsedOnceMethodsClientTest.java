package dev.breakglass.bot.slack.outbound;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.users.UsersInfoResponse;
import dev.breakglass.bot.sandbox.EmulatorFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ParsedOnceMethodsClient} answers as the SDK's own client does, against the emulator. */
class ParsedOnceMethodsClientTest {
    private final EmulatorFixture f = new EmulatorFixture();

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private MethodsClient ours(String token) {
        ParsedOnceMethodsClient client = new ParsedOnceMethodsClient(f.slack.getHttpClient(), token);
        client.setEndpointUrlPrefix(f.slack.getConfig().getMethodsEndpointUrlPrefix());
        return client;
    }

    @Test
    void anAnswerReadsAsTheSdksWithItsHeaders() throws Exception {
        ChatPostMessageResponse theirs = f.bot().chatPostMessage(x -> x.channel("C0GENERAL").text("one"));
        ChatPostMessageResponse mine = ours(EmulatorFixture.BOT_TOKEN)
                .chatPostMessage(x -> x.channel("C0GENERAL").text("two"));

        assertTrue(mine.isOk());
        assertEquals(theirs.getChannel(), mine.getChannel());
        assertEquals("two", mine.getMessage().getText());
        assertFalse(mine.getTs().equals(theirs.getTs()), "a message of its own");
        assertEquals(theirs.getHttpResponseHeaders().keySet(), mine.getHttpResponseHeaders().keySet(),
                "headers as the SDK gives them, keys lower-cased");
        UsersInfoResponse user = ours(EmulatorFixture.BOT_TOKEN).usersInfo(x -> x.user("U0ALICE"));
        assertEquals(f.bot().usersInfo(x -> x.user("U0ALICE")).getUser(), user.getUser(),
                "a nested answer parses to the same model");
        assertEquals(List.of("one", "two"), f.emulator.messages("C0GENERAL").stream().map(m -> m.text()).toList());
    }

    @Test
    void aRefusalIsAnAnswerNotAnException() throws Exception {
        var refused = ours("xoxb-wrong").authTest(x -> x);
        assertFalse(refused.isOk());
        assertEquals("invalid_auth", refused.getError());
    }

    @Test
    void aRateLimitThrowsWithRetryAfterAsTheSdkDoes() {
        f.emulator.rateLimitNext("chat.postMessage", 1, 7);

        SlackApiException e = assertThrows(SlackApiException.class,
                () -> ours(EmulatorFixture.BOT_TOKEN).chatPostMessage(x -> x.channel("C0GENERAL").text("x")));

        assertEquals(429, e.getResponse().code());
        assertEquals("7", e.getResponse().header("Retry-After"));
        assertEquals("ratelimited", e.getError().getError());
        assertTrue(f.emulator.messages("C0GENERAL").isEmpty(), "nothing posted");
    }

    @Test
    void slackOutOfReachIsAnIoException() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ParsedOnceMethodsClient client = new ParsedOnceMethodsClient(f.slack.getHttpClient(), EmulatorFixture.BOT_TOKEN);
        client.setEndpointUrlPrefix("http://127.0.0.1:" + closed + "/api/");

        assertThrows(IOException.class, () -> client.authTest(x -> x));
    }
}

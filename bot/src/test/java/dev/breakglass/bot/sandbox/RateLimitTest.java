package dev.breakglass.bot.sandbox;

import dev.breakglass.bot.sandbox.state.Json;
import dev.breakglass.bot.sandbox.state.RecordedCall;

import dev.breakglass.bot.testing.SlackSamples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.slack.api.methods.SlackApiException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP 429 as Slack sends it, and how Bolt's client surfaces it. */
class RateLimitTest {
    EmulatorFixture f;

    @BeforeEach
    void start() {
        f = new EmulatorFixture();
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    @Test
    void theNextCallsAnswer429WithRetryAfterThenRecover() throws Exception {
        f.emulator.rateLimitNext("chat.postMessage", 2, 7);

        for (int i = 0; i < 2; i++) {
            SlackApiException e = assertThrows(SlackApiException.class,
                    () -> f.bot().chatPostMessage(x -> x.channel("C0GENERAL").text("x")));
            // Bolt's synchronous client does not retry: it throws with the raw response
            assertEquals(429, e.getResponse().code());
            assertEquals("7", e.getResponse().header("Retry-After"));
            assertEquals("ratelimited", e.getError().getError());
            assertEquals("{\"ok\":false,\"error\":\"ratelimited\"}", e.getResponseBody());
        }
        assertTrue(f.bot().chatPostMessage(x -> x.channel("C0GENERAL").text("x")).isOk());

        List<RecordedCall> calls = f.emulator.calls("chat.postMessage");
        assertEquals(List.of(429, 429, 200), calls.stream().map(RecordedCall::status).toList());
        assertEquals(1, f.emulator.messages("C0GENERAL").size(), "a rate-limited call posts nothing");
    }

    @Test
    void onlyTheNamedMethodIsLimited() throws Exception {
        f.emulator.rateLimitNext("chat.update", 1, 1);
        assertTrue(f.bot().chatPostMessage(x -> x.channel("C0GENERAL").text("x")).isOk());
        assertTrue(f.bot().authTest(x -> x).isOk());
    }

    @Test
    void badTokensAreRefusedBeforeRateLimiting() throws Exception {
        f.emulator.rateLimitNext("auth.test", 1, 3);
        assertEquals("invalid_auth", f.slack.methods("xoxb-wrong").authTest(x -> x).getError());
        assertThrows(SlackApiException.class, () -> f.bot().authTest(x -> x));
    }

    @Test
    void zeroTimesCancels() throws Exception {
        f.emulator.rateLimitNext("auth.test", 5, 3);
        f.emulator.rateLimitNext("auth.test", 0, 3);
        assertTrue(f.bot().authTest(x -> x).isOk());
    }

    @Test
    void theAnswerIsSlacksDocumentedRateLimitedBody() throws Exception {
        JsonNode sample = SlackSamples.json("responses/ratelimited.error.json");
        f.emulator.rateLimitNext("users.info", 1, 3);
        SlackApiException e = assertThrows(SlackApiException.class, () -> f.bot().usersInfo(x -> x.user("U0ALICE")));
        assertEquals(sample, Json.parse(e.getResponseBody()));
    }
}

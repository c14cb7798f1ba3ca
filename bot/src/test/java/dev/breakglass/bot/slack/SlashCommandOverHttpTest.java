package dev.breakglass.bot.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakglass.bot.sandbox.transport.BotAnswer;
import dev.breakglass.bot.sandbox.transport.DeliveryResult;
import dev.breakglass.bot.sandbox.state.EphemeralMessage;
import dev.breakglass.bot.sandbox.transport.HttpDelivery;
import dev.breakglass.bot.sandbox.transport.SlackSigner;
import dev.breakglass.bot.testing.BotExtension;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.grant.GrantState;
import dev.breakglass.port.GrantStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /breakglass} as Slack delivers it over HTTP: signed form posts in, recorded Web API calls out. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlashCommandOverHttpTest {
    private static final String FORM = "application/x-www-form-urlencoded";

    @RegisterExtension
    static final BotExtension BOT = BotExtension.with((bot, receiver) -> bot);

    private RunningBot bot;

    @Test
    void signedHelpIsAnsweredWithTheUsageOnlyTheUserSees() {
        DeliveryResult result = bot.deliver().slashCommand("U0ALICE", "C0GENERAL", "help");
        assertEquals(200, result.status());
        assertEquals("ephemeral", result.json().path("response_type").asText());
        String text = result.json().path("text").asText();
        for (String form : List.of("/breakglass request &lt;target&gt;", "/breakglass list", "/breakglass status",
                "/breakglass revoke", "/breakglass extend", "/breakglass review", "/breakglass audit",
                "/breakglass help")) {
            assertTrue(text.contains(form), form + " missing from:\n" + text);
        }
        List<EphemeralMessage> seen = bot.slack().ephemeralMessages("C0GENERAL", "U0ALICE");
        assertEquals(text, seen.get(seen.size() - 1).text());
        assertTrue(bot.slack().messages("C0GENERAL").isEmpty(), "help must not post to the channel");
    }

    @ParameterizedTest
    @EnumSource(value = HttpDelivery.Signing.class, names = {"FORGED", "STALE", "FUTURE", "MISSING"})
    void badlySignedRequestsGet401AndCauseNothing(HttpDelivery.Signing signing) throws Exception {
        var payload = bot.deliver().slashCommandPayload("/breakglass", "U0ALICE", "C0GENERAL", "help");
        bot.slack().clearCalls();
        BotAnswer answer = bot.signedHttp().post(FORM, formOf(payload), signing, Duration.ofSeconds(10));
        assertEquals(401, answer.status(), answer.body());
        assertFalse(answer.body().contains("breakglass request"), answer.body());
        Thread.sleep(300); // anything asynchronous would have called Slack by now
        assertEquals(List.of(), bot.slack().calls());
    }

    @Test
    void aBodyChangedAfterSigningGets401() throws Exception {
        String signed = formOf(bot.deliver().slashCommandPayload("/breakglass", "U0ALICE", "C0GENERAL", "help"));
        String tampered = signed.replace("text=help", "text=list");
        assertTrue(!tampered.equals(signed), "the sample body should contain text=help");
        long ts = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(bot.url("/slack/events"))
                .header("Content-Type", FORM)
                .header(SlackSigner.TIMESTAMP_HEADER, Long.toString(ts))
                .header(SlackSigner.SIGNATURE_HEADER, new SlackSigner(RunningBot.SIGNING_SECRET).sign(ts, signed))
                .POST(HttpRequest.BodyPublishers.ofString(tampered)).build();
        bot.slack().clearCalls();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode());
        Thread.sleep(300);
        assertEquals(List.of(), bot.slack().calls());
    }

    @ParameterizedTest
    @ValueSource(strings = {"review BG-7", "audit BG-7", "status BG-7"})
    void aGrantThatDoesNotExistIsNamedAndNothingOpensOrChanges(String text) {
        DeliveryResult result = bot.deliver().slashCommand("U0ALICE", "C0GENERAL", text);
        assertEquals(200, result.status());
        String answer = result.json().path("text").asText();
        assertEquals("There is no grant BG-7 that you can see.", answer);
        assertEquals(List.of(), bot.slack().calls("views.open"));
        assertEquals(List.of(), bot.context().getBean(GrantStore.class).findByState(EnumSet.allOf(GrantState.class)));
    }

    @Test
    void aMalformedCommandSaysWhatWasWrongAndTheRightForm() {
        DeliveryResult result = bot.deliver().slashCommand("U0ALICE", "C0GENERAL", "request demo-db 2x because it broke");
        String answer = result.json().path("text").asText();
        assertTrue(answer.startsWith(":warning: "), answer);
        assertTrue(answer.contains("2x"), answer);
        assertTrue(answer.contains("Usage: `/breakglass request &lt;target&gt;"), answer);
    }

    @Test
    void userTextEchoedInAnErrorCannotPingOrLink() {
        DeliveryResult result = bot.deliver().slashCommand("U0ALICE", "C0GENERAL", "<!channel> <https://evil|click>");
        String answer = result.json().path("text").asText();
        assertFalse(answer.contains("<!channel>") || answer.contains("<https://"), answer);
        assertTrue(answer.contains("&lt;!channel&gt;"), answer);
    }

    @Test
    void slackEscapedTextIsDecodedOnceBeforeParsing() {
        // Slack sends "<" typed by the user as "&lt;"; the error echoes the user's token escaped exactly once.
        DeliveryResult result = bot.deliver().slashCommand("U0ALICE", "C0GENERAL", "&lt;oops&gt;");
        String answer = result.json().path("text").asText();
        assertTrue(answer.contains("&lt;oops&gt;") && !answer.contains("&amp;lt;"), answer);
    }

    @Test
    void urlVerificationIsAnswered() {
        BotAnswer answer = bot.signedHttp().urlVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
        assertEquals(200, answer.status(), answer.body());
        // Slack accepts the challenge echoed as plain text (or as JSON); Bolt sends plain text.
        assertEquals("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", answer.body());
    }

    @Test
    void healthNamesEveryCheck() {
        HttpResponse<String> health = bot.get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("{\"status\":\"UP\",\"checks\":{\"database\":\"UP\",\"scheduler\":\"UP\",\"slack\":\"UP\"}}",
                health.body());
    }

    @Test
    void managementEndpointsAreNotExposed() {
        for (String path : List.of("/beans", "/routes", "/env", "/threaddump", "/refresh", "/flyway", "/loggers")) {
            assertEquals(404, bot.get(path).statusCode(), path);
        }
    }

    private static String formOf(JsonNode payload) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        payload.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
        return HttpDelivery.formBody(fields);
    }
}

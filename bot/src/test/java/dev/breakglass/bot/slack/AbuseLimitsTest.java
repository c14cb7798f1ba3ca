package dev.breakglass.bot.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakglass.bot.sandbox.transport.HttpDelivery;
import dev.breakglass.bot.sandbox.transport.SlackSigner;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantState;
import dev.breakglass.grant.NewGrant;
import dev.breakglass.port.GrantStore;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Limits against floods and replays, as Slack delivers requests: a repeated signed request acts once, a person's
 * new requests per hour are capped, and {@code /breakglass list} reads and shows a bounded number of grants.
 */
class AbuseLimitsTest {
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String WHY = "the demo database is down, restarting it";

    /** One request more than the policy's requests-per-hour is refused with the reason, and stores nothing. */
    @Test
    void oneRequestMoreThanThePolicyAllowsPerHourIsRefused() {
        try (WebhookReceiver receiver = new WebhookReceiver();
             RunningBot bot = RunningBot.builder().policy(Workflow.policy(receiver)
                     .replace("requests-per-hour: 1000", "requests-per-hour: 3")).start()
                     .awaitHealthy(Duration.ofSeconds(30))) {
            for (int i = 0; i < 3; i++) {
                String reply = bot.deliver().slashCommand("U0ALICE", "C0GENERAL", "request orders-db 30m " + WHY)
                        .json().path("text").asText();
                assertTrue(reply.startsWith("Requested BG-"), reply);
            }
            String refused = bot.deliver().slashCommand("U0ALICE", "C0GENERAL", "request payments 30m " + WHY)
                    .json().path("text").asText();
            assertTrue(refused.startsWith("You made 3 requests in the last hour, the most the policy allows"), refused);
            assertEquals(3, bot.bean(GrantStore.class).findByState(EnumSet.allOf(GrantState.class)).size());
            assertTrue(bot.deliver().slashCommand("U0BOB", "C0GENERAL", "request orders-db 30m " + WHY)
                    .json().path("text").asText().startsWith("Requested BG-"), "the limit is per person");
        }
    }

    /** However many open grants there are, the list shows 20 and counts the rest. */
    @Test
    void listShowsTwentyGrantsAndCountsTheRest() {
        try (RunningBot bot = RunningBot.overHttp().awaitHealthy(Duration.ofSeconds(30))) {
            GrantStore store = bot.bean(GrantStore.class);
            for (int i = 0; i < 25; i++) {
                store.create(new NewGrant("U0BOB", "demo-db", Optional.empty(), Duration.ofMinutes(30), WHY,
                        Optional.empty(), 1, bot.clock().instant()), saved -> java.util.List.of());
            }
            String list = bot.deliver().slashCommand("U0BOB", "C0GENERAL", "list").json().path("text").asText();
            assertEquals(20, list.lines().filter(l -> l.startsWith("• *BG-")).count(), list);
            assertTrue(list.contains("…and 5 more; `/breakglass status &lt;id&gt;` shows any one."), list);
            assertTrue(list.contains("*BG-1*") && !list.contains("*BG-21*"), "oldest first: " + list);
        }
    }

    @Test
    void theSameSignedRequestDeliveredTwiceToTwoReplicasCreatesOneGrant() throws Exception {
        try (TestDatabase db = TestDatabase.postgres();
             RunningBot one = RunningBot.builder().database(db).start().awaitHealthy(Duration.ofSeconds(30));
             RunningBot two = RunningBot.builder().database(db).start().awaitHealthy(Duration.ofSeconds(30))) {
            JsonNode payload = one.deliver().slashCommandPayload("/breakglass", "U0ALICE", "C0GENERAL",
                    "request demo-db 5m kind:outage incident:INC-42 the demo database is down, restarting it");
            Map<String, String> fields = new LinkedHashMap<>();
            payload.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
            String body = HttpDelivery.formBody(fields);
            long ts = one.clock().instant().getEpochSecond();
            String signature = new SlackSigner(RunningBot.SIGNING_SECRET).sign(ts, body);
            HttpClient client = HttpClient.newHttpClient();

            HttpResponse<String> first = client.send(signed(one, ts, signature, body), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, first.statusCode());
            assertTrue(first.body().contains("Requested BG-"), first.body());
            for (RunningBot bot : new RunningBot[] {one, two}) {
                HttpResponse<String> again = client.send(signed(bot, ts, signature, body),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, again.statusCode(), "answered, so that Slack stops retrying");
                assertFalse(again.body().contains("Requested"), again.body());
            }
            Thread.sleep(300); // anything asynchronous would have stored a grant by now
            assertEquals(1, one.bean(GrantStore.class).findByState(EnumSet.allOf(GrantState.class)).size(), "one grant");
        }
    }

    private static HttpRequest signed(RunningBot bot, long ts, String signature, String body) {
        return HttpRequest.newBuilder(bot.url("/slack/events"))
                .header("Content-Type", FORM)
                .header(SlackSigner.TIMESTAMP_HEADER, Long.toString(ts))
                .header(SlackSigner.SIGNATURE_HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}

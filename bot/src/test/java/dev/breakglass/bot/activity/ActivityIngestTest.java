package dev.breakglass.bot.activity;

import dev.breakglass.bot.outbound.WebhookSignature;
import dev.breakglass.bot.testing.BotExtension;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.port.ActivityLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /activity} as a shell recorder or a proxy calls it: signed posts are stored and fed into the thread;
 * unsigned, stale, future, replayed, oversized and malformed posts, and posts for grants that do not hold access, are
 * refused with a specific message and store nothing.
 */
class ActivityIngestTest {
    private static final String SECRET = "activity-secret-0123456789abcdef";
    private static final String WHY = "orders DB is down, need to restart the replica";

    @RegisterExtension
    static final BotExtension RUNNING = BotExtension.with((bot, receiver) -> bot.policy(Workflow.policy(receiver)
                    + "activity:\n  flag: [DROP]\n")
            .property("breakglass.activity.secret", SECRET).property("breakglass.activity.poll-interval", "500ms"));

    private RunningBot bot;
    private Workflow flow;

    private long now() {
        return bot.clock().instant().getEpochSecond();
    }

    private HttpResponse<String> post(String body, long timestamp, String signature) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(bot.url("/activity"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (timestamp > 0) {
            b.header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
        }
        if (signature != null) {
            b.header(WebhookSignature.SIGNATURE_HEADER, signature);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> signedAt(String body, long timestamp) throws Exception {
        return post(body, timestamp, new WebhookSignature(SECRET).sign(timestamp,
                body.getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> signed(String body) throws Exception {
        return signedAt(body, now());
    }

    private static String one(GrantId id, String detail) {
        return "{\"grant_id\":\"" + id + "\",\"at\":\"" + Instant.now() + "\",\"actor\":\"alice\","
                + "\"action\":\"command\",\"detail\":\"" + detail + "\"}";
    }

    private int stored(GrantId id) {
        return bot.bean(ActivityLog.class).of(id).size();
    }

    private static void refused(HttpResponse<String> r, int status, String says) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains(says), r.body());
    }

    @Test
    void aSignedPostIsStoredFedIntoTheThreadAndAFlagAlertsSecurity() throws Exception {
        GrantId id = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
        HttpResponse<String> r = signed("{\"activities\":[" + one(id, "kubectl get pods") + ","
                + one(id, "psql -c 'DROP TABLE orders'") + "]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"grant\":\"" + id + "\",\"stored\":2,\"flagged\":1}", r.body());
        List<ActivityLog.Recorded> rows = bot.bean(ActivityLog.class).of(id);
        assertEquals("ingest", rows.get(0).activity().source());
        String text = ActivityFeedFlowTest.shown(ActivityFeedFlowTest.awaitFeed(bot, flow, id, 1).get(0));
        assertTrue(text.contains("kubectl get pods") && text.contains("flagged: DROP"), text);
        RunningBot.await(Workflow.WAIT, () -> bot.slack().messages("C0SECURITY").stream()
                .anyMatch(m -> m.text() != null && m.text().contains("Flagged activity under " + id)), () -> "alert");
    }

    @Test
    void unsignedBadlySignedStaleAndFutureSignaturesAreRefused() throws Exception {
        GrantId id = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
        String body = one(id, "ls");
        refused(post(body, 0, null), 401, "unsigned: X-Breakglass-Timestamp is missing");
        refused(post(body, now(), null), 401, "unsigned: X-Breakglass-Signature is missing");
        refused(post(body, now(), new WebhookSignature("another-secret-0123456789").sign(now(),
                body.getBytes(StandardCharsets.UTF_8))), 401, "bad signature");
        refused(post(body, now(), new WebhookSignature(SECRET).sign(now(), "{}".getBytes(StandardCharsets.UTF_8))),
                401, "bad signature");
        refused(signedAt(body, now() - 301), 401, "stale");
        refused(signedAt(body, now() + 301), 401, "from the future");
        refused(post(body, -1, "v1=00"), 401, "unsigned");
        assertEquals(0, stored(id));
        assertEquals(200, signedAt(body, now() - 290).statusCode(), "within the window");
    }

    @Test
    void aReplayIsRefusedAndStoredOnce() throws Exception {
        GrantId id = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
        String body = one(id, "whoami");
        long at = now();
        assertEquals(200, signedAt(body, at).statusCode());
        refused(signedAt(body, at), 409, "replayed");
        assertEquals(1, stored(id));
    }

    @Test
    void grantsThatDoNotHoldAccessAreRefused() throws Exception {
        refused(signed(one(new GrantId(99_999), "ls")), 422, "there is no grant BG-99999");
        GrantId pending = flow.request(ALICE, "payments 30m " + WHY);
        refused(signed(one(pending, "ls")), 422, pending + " never held access");
        assertEquals(0, stored(pending));

        GrantId id = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
        flow.command(ALICE, "revoke " + id + " done");
        flow.awaitState(id, GrantState.REVOKED);
        assertEquals(200, signed(one(id, "exit")).statusCode(), "the last lines of a session are still taken");
        bot.clock().advance(Duration.ofMinutes(10).plusSeconds(5));
        refused(signed(one(id, "ls")), 422, "ended more than 10m ago");
        assertEquals(1, stored(id));
    }

    @Test
    void malformedAndOversizedBodiesAreRefusedNamingWhatIsWrong() throws Exception {
        GrantId id = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
        GrantId other = flow.activeGrant(ALICE, CAROL, "orders-db:admin 30m " + WHY);
        refused(signed("not json"), 400, "the body is not JSON");
        refused(signed("[]"), 400, "the body must be a JSON object");
        refused(signed("{\"activities\":[]}"), 400, "activities must be a list of 1 to 500");
        refused(signed(one(id, "ls").replace("\"actor\":\"alice\",", "")), 400, "actor is missing");
        refused(signed(one(id, "ls").replace("\"detail\"", "\"detial\"")), 400, "unknown field \\\"detial\\\"");
        refused(signed(one(id, "ls").replace("\"command\"", "\"1 command\"")), 400, "action must be a letter");
        refused(signed(one(id, "ls").replaceFirst("\"at\":\"[^\"]+\"", "\"at\":\"yesterday\"")), 400,
                "at must be ISO-8601");
        refused(signed(one(id, "ls").replaceFirst("\"at\":\"[^\"]+\"", "\"at\":\"" + bot.clock().instant().plusSeconds(900)
                + "\"")), 400, "at is in the future");
        refused(signed(one(id, "ls").replace("\"" + id + "\"", "\"orders\"")), 400, "grant_id must look like BG-7");
        refused(signed("{\"activities\":[" + one(id, "ls") + "," + one(other, "ls") + "]}"), 400,
                "activities[1]: grant_id is " + other);
        refused(signed(one(id, "ls").replace("}", ",\"source\":\"adapter\"}")), 400, "is the bot's own");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            many.add(one(id, "ls"));
        }
        refused(signed("{\"activities\":[" + String.join(",", many) + "]}"), 400, "at most 500 per post");
        String huge = one(id, "x".repeat(ActivityIngestController.MAX_BODY + 10));
        refused(signed(huge), 413, "at most " + ActivityIngestController.MAX_BODY);
        assertEquals(0, stored(id));
        assertEquals(0, stored(other));
        assertEquals(200, signed(one(id, 7 + "").replace("\"" + id + "\"", Long.toString(id.value())))
                .statusCode(), "a bare number is a grant id too");
    }

    @Test
    void withoutASecretTheEndpointIsOff() throws Exception {
        try (RunningBot off = RunningBot.builder().start().awaitHealthy(Duration.ofSeconds(30))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(off.url("/activity"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            refused(r, 404, "POST /activity is off: set BREAKGLASS_ACTIVITY_SECRET");
        }
    }
}

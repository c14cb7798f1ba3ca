package dev.breakglass.bot.adapter.webhook;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.bot.adapter.webhook.WebhookReceiver.Received;
import dev.breakglass.bot.adapter.webhook.WebhookReceiver.Reply;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The webhook adapter against a real receiver ({@link WebhookReceiver}) that verifies every request as an
 * operator's receiver would.
 */
class WebhookAdapterTest {
    private static final String SECRET = "test-webhook-secret-0123456789abcdef";
    private static final String PASSWORD = "pw-Zebra-42-do-not-leak";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GrantRequest REQUEST = new GrantRequest(new GrantId(7), "orders-db", Optional.of("admin"),
            "U0ALICE", Optional.of("alice@example.com"), Instant.parse("2026-11-21T10:45:00.750Z"),
            "Investigating INC-42: orders stuck — café ☕");

    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private WebhookReceiver receiver;
    private Clock clock = Clock.systemUTC();

    @BeforeEach
    void start() {
        receiver = WebhookReceiver.start(SECRET);
        logs.start();
        logger().addAppender(logs);
    }

    @AfterEach
    void stop() {
        logger().detachAppender(logs);
        receiver.close();
    }

    // --- grant --------------------------------------------------------------------------------------------------

    @Test
    void grantPostsSignedJsonAndReadsHandleAndCredentials() throws Exception {
        receiver.then(Reply.ok("""
                {"handle": {"user": "bg_7", "grants": [1, 2]},
                 "credentials": {"username": "bg_7", "password": "%s", "port": 5432, "ratio": 1.50, "ssl": true},
                 "note": "extra fields are ignored"}""".formatted(PASSWORD)));
        clock = Clock.fixed(Instant.now(), ZoneOffset.UTC);

        Provisioned p = adapter().grant(REQUEST);

        assertEquals(1, receiver.received().size());
        Received r = receiver.received().get(0);
        assertEquals(Optional.empty(), r.rejection());
        assertEquals("POST", r.method());
        assertEquals("application/json", r.header("Content-Type"));
        assertTrue(r.header("User-Agent").startsWith("breakglass/"), r.header("User-Agent"));
        assertEquals(Long.toString(clock.instant().getEpochSecond()), r.header("X-Breakglass-Timestamp"));
        assertTrue(r.header("X-Breakglass-Signature").matches("v1=[0-9a-f]{64}"));

        JsonNode body = r.json();
        assertEquals(List.of("action", "grant_id", "target", "role", "user", "expires_at", "justification", "handle"),
                fieldNames(body));
        assertEquals("grant", body.get("action").textValue());
        assertEquals("BG-7", body.get("grant_id").textValue());
        assertEquals("orders-db", body.get("target").textValue());
        assertEquals("admin", body.get("role").textValue());
        assertEquals("U0ALICE", body.get("user").get("slack_id").textValue());
        assertEquals("alice@example.com", body.get("user").get("email").textValue());
        assertEquals("2026-11-21T10:45:00Z", body.get("expires_at").textValue());
        assertEquals(REQUEST.justification(), body.get("justification").textValue());
        assertTrue(body.get("handle").isNull());

        assertEquals(REQUEST, p.request());
        assertEquals("{\"user\":\"bg_7\",\"grants\":[1,2]}", p.handle());
        Credentials c = p.credentials().orElseThrow();
        assertEquals(List.of("username", "password", "port", "ratio", "ssl"), new ArrayList<>(c.fields().keySet()));
        assertEquals(List.of("bg_7", PASSWORD, "5432", "1.50", "true"), new ArrayList<>(c.fields().values()));
    }

    @Test
    void grantWithoutRoleOrEmailSendsNulls() throws Exception {
        GrantRequest bare = new GrantRequest(new GrantId(12), "orders-db", Optional.empty(), "U0BOB",
                Optional.empty(), Instant.parse("2026-01-02T03:04:05Z"), "Disk full on the primary");

        adapter().grant(bare);

        JsonNode body = receiver.received().get(0).json();
        assertTrue(body.get("role").isNull());
        assertTrue(body.get("user").get("email").isNull());
        assertEquals("BG-12", body.get("grant_id").textValue());
        assertEquals("2026-01-02T03:04:05Z", body.get("expires_at").textValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " \n", "{}", "{\"handle\": null, \"credentials\": null}", "{\"credentials\": {}}"})
    void grantWithoutHandleOrCredentialsIsFine(String answer) throws Exception {
        receiver.then(Reply.ok(answer));

        Provisioned p = adapter().grant(REQUEST);

        assertEquals("{}", p.handle());
        assertEquals(Optional.empty(), p.credentials());
        assertEquals(List.of("grant"), receiver.actions());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "{\"handle\": {\"user\": \"bg_7\"}, \"credentials\": {\"password\": \"" + PASSWORD + "\"",
            "[{\"password\": \"" + PASSWORD + "\"}]",
            "\"" + PASSWORD + "\"",
            "{\"handle\": \"bg_7\"}",
            "{\"handle\": [1]}",
            "{\"credentials\": [\"" + PASSWORD + "\"]}",
            "{\"credentials\": {\"password\": {\"value\": \"" + PASSWORD + "\"}}}",
            "{\"credentials\": {\"password\": null}}",
            "{\"credentials\": {\"password\": \"" + PASSWORD + "\", \"password\": \"other\"}}",
            "{\"handle\": {}} {\"credentials\": {\"password\": \"" + PASSWORD + "\"}}",
    })
    void malformedGrantAnswerFailsAndIsTakenBack(String answer) {
        receiver.then(Reply.ok(answer));

        TargetException e = assertThrows(TargetException.class, () -> adapter().grant(REQUEST));

        assertTrue(e.getMessage().startsWith("webhook grant BG-7 on orders-db failed: the grant answer"),
                e.getMessage());
        assertTrue(e.getMessage().contains("a revoke was sent"), e.getMessage());
        assertNoSecretIn(e);
        // The receiver said yes but the answer is unusable: the grant is taken back, handle {}.
        assertEquals(List.of("grant", "revoke"), receiver.actions());
        JsonNode revoke = receiver.received().get(1).json();
        assertEquals("BG-7", revoke.get("grant_id").textValue());
        assertEquals(JSON.createObjectNode(), revoke.get("handle"));
        assertNoSecretInLogs();
    }

    @Test
    void grantRefusedWith4xxIsNotRetriedNorTakenBack() {
        receiver.then(Reply.status(403));

        TargetException e = assertThrows(TargetException.class, () -> adapter().grant(REQUEST));

        assertEquals("webhook grant BG-7 on orders-db failed: HTTP 403 from " + origin()
                + " (4xx is not retried)", e.getMessage());
        assertEquals(List.of("grant"), receiver.actions());
        assertEquals(List.of(), pauses);
    }

    @Test
    void grantFailingWith5xxIsRetriedThenTakenBack() {
        receiver.otherwise(Reply.status(503));

        TargetException e = assertThrows(TargetException.class, () -> adapter(Map.of("retries", 1)).grant(REQUEST));

        assertEquals(List.of("grant", "grant", "revoke", "revoke"), receiver.actions());
        assertEquals("webhook grant BG-7 on orders-db failed after 2 attempts: HTTP 503 from " + origin()
                + "; the revoke sent in case the receiver had granted access failed too: HTTP 503 from "
                + origin(), e.getMessage());
    }

    @Test
    void grantRefusedConnectionIsNotTakenBack() throws IOException {
        String url = closedPortUrl();

        TargetException e = assertThrows(TargetException.class,
                () -> adapter(Map.of("url", url, "retries", 0)).grant(REQUEST));

        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
        assertFalse(e.getMessage().contains("revoke"), e.getMessage());
    }

    // --- revoke and verify --------------------------------------------------------------------------------------

    @Test
    void revokeSendsTheStoredHandleBackAsAnObject() throws Exception {
        receiver.then(Reply.ok("{\"ignored\": true}"));

        adapter().revoke(new Provisioned(REQUEST, "{\"user\":\"bg_7\",\"grants\":[1,2]}", Optional.empty()));

        Received r = receiver.received().get(0);
        assertEquals(Optional.empty(), r.rejection());
        assertEquals("revoke", r.action());
        assertEquals(JSON.readTree("{\"user\":\"bg_7\",\"grants\":[1,2]}"), r.json().get("handle"));
        assertEquals("BG-7", r.json().get("grant_id").textValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "", "  "})
    void revokeWithoutAHandleSendsAnEmptyObject(String handle) throws Exception {
        adapter().revoke(new Provisioned(REQUEST, handle, Optional.empty()));

        assertEquals(JSON.createObjectNode(), receiver.received().get(0).json().get("handle"));
    }

    @Test
    void aStoredHandleThatIsNotAnObjectIsRefusedBeforeSending() {
        TargetException e = assertThrows(TargetException.class,
                () -> adapter().revoke(new Provisioned(REQUEST, "[1]", Optional.empty())));

        assertEquals("webhook revoke BG-7 on orders-db failed: the stored handle is not a JSON object",
                e.getMessage());
        assertEquals(List.of(), receiver.received());
    }

    @Test
    void handleFromGrantRoundTripsThroughRevokeAndVerify() throws Exception {
        receiver.then(Reply.ok("{\"handle\": {\"role\": \"bg_7\", \"nested\": {\"a\": [true, null]}}}"),
                Reply.ok(""), Reply.ok("{\"revoked\": true}"));
        WebhookAdapter adapter = adapter();

        Provisioned p = adapter.grant(REQUEST).withoutCredentials();
        adapter.revoke(p);
        assertTrue(adapter.verifyRevoked(p));

        JsonNode expected = JSON.readTree("{\"role\": \"bg_7\", \"nested\": {\"a\": [true, null]}}");
        assertEquals(List.of("grant", "revoke", "verify"), receiver.actions());
        assertEquals(expected, receiver.received().get(1).json().get("handle"));
        assertEquals(expected, receiver.received().get(2).json().get("handle"));
    }

    // --- extend -------------------------------------------------------------------------------------------------

    @Test
    void extendSendsASignedExtendWithTheNewEndAndTheStoredHandle() throws Exception {
        WebhookAdapter adapter = adapter();
        Instant newEnd = Instant.parse("2026-11-21T11:15:00.400Z");

        Provisioned moved = adapter.extend(new Provisioned(REQUEST, "{\"user\":\"bg_7\"}", Optional.empty()), newEnd);

        assertEquals(Extending.MOVES_THE_END, adapter.extending());
        Received r = receiver.received().get(0);
        assertEquals(Optional.empty(), r.rejection(), "signed like every other action");
        assertEquals("extend", r.action());
        assertEquals("2026-11-21T11:15:00Z", r.json().get("expires_at").textValue());
        assertEquals(JSON.readTree("{\"user\":\"bg_7\"}"), r.json().get("handle"));
        assertEquals(newEnd, moved.request().expiresAt());
        assertEquals("{\"user\":\"bg_7\"}", moved.handle());
        assertEquals(Optional.empty(), moved.credentials());
    }

    @Test
    void anExtendTheReceiverRefusesFailsSoTheOldEndStays() {
        receiver.then(Reply.status(400));

        TargetException e = assertThrows(TargetException.class, () -> adapter().extend(
                new Provisioned(REQUEST, "{}", Optional.empty()), REQUEST.expiresAt().plusSeconds(600)));

        assertTrue(e.getMessage().startsWith("webhook extend BG-7 on orders-db failed"), e.getMessage());
        assertEquals(1, receiver.received().size(), "a 4xx is not retried");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void verifyAnswersWhatTheReceiverSays(boolean revoked) throws Exception {
        receiver.then(Reply.ok("{\"revoked\": " + revoked + ", \"checked_at\": \"now\"}"));

        assertEquals(revoked, adapter().verifyRevoked(new Provisioned(REQUEST, "{\"u\":1}", Optional.empty())));

        Received r = receiver.received().get(0);
        assertEquals("verify", r.action());
        assertEquals(JSON.readTree("{\"u\":1}"), r.json().get("handle"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "{\"revoked\": \"true\"}", "{\"revoked\": 1}", "{\"revoked\": null}",
            "[true]", "true", "revoked"})
    void verifyWithoutABooleanIsAFailure(String answer) {
        receiver.then(Reply.ok(answer));

        TargetException e = assertThrows(TargetException.class,
                () -> adapter().verifyRevoked(new Provisioned(REQUEST, "{}", Optional.empty())));

        assertTrue(e.getMessage().startsWith("webhook verify BG-7 on orders-db failed: the verify answer"),
                e.getMessage());
        assertEquals(1, receiver.received().size());
    }

    // --- retries ------------------------------------------------------------------------------------------------

    @Test
    void serverErrorsAreRetriedWithBackoffThenSucceed() throws Exception {
        receiver.then(Reply.status(503), Reply.status(500), Reply.ok(""));

        adapter().revoke(new Provisioned(REQUEST, "{}", Optional.empty()));

        assertEquals(List.of(Duration.ofMillis(200), Duration.ofMillis(400)), pauses);
        List<Received> calls = receiver.received();
        assertEquals(3, calls.size());
        for (Received r : calls) {
            assertEquals(Optional.empty(), r.rejection(), "every attempt is signed");
            // The same bytes every time, so a receiver can de-duplicate.
            assertArrayEquals(calls.get(0).body(), r.body());
        }
    }

    @Test
    void serverErrorsExhaustTheRetries() {
        receiver.otherwise(Reply.status(502));

        TargetException e = assertThrows(TargetException.class,
                () -> adapter().revoke(new Provisioned(REQUEST, "{}", Optional.empty())));

        assertEquals("webhook revoke BG-7 on orders-db failed after 4 attempts: HTTP 502 from " + origin(),
                e.getMessage());
        assertEquals(4, receiver.received().size());
        assertEquals(List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800)), pauses);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 404, 409, 422, 429})
    void clientErrorsAreNotRetried(int status) {
        receiver.otherwise(Reply.status(status));

        TargetException e = assertThrows(TargetException.class,
                () -> adapter().revoke(new Provisioned(REQUEST, "{}", Optional.empty())));

        assertTrue(e.getMessage().contains("HTTP " + status), e.getMessage());
        assertEquals(1, receiver.received().size());
        assertEquals(List.of(), pauses);
    }

    @Test
    void redirectsAreNotFollowed() {
        receiver.then(Reply.status(302).withHeader("Location", "http://127.0.0.1:1/elsewhere"));

        TargetException e = assertThrows(TargetException.class,
                () -> adapter().revoke(new Provisioned(REQUEST, "{}", Optional.empty())));

        assertTrue(e.getMessage().contains("HTTP 302"), e.getMessage());
        assertEquals(1, receiver.received().size());
    }

    @Test
    void backoffDoublesUpToFiveSeconds() {
        List<Duration> schedule = new ArrayList<>();
        for (int retry = 1; retry <= 10; retry++) {
            schedule.add(WebhookAdapter.pause(retry));
        }
        assertEquals(Arrays.asList(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L, 5000L, 5000L),
                schedule.stream().map(Duration::toMillis).toList());
    }

    @Test
    void aReceiverSlowerThanTheTimeoutTimesOut() {
        receiver.otherwise(Reply.ok("").after(Duration.ofSeconds(3)));
        long started = System.nanoTime();

        TargetException e = assertThrows(TargetException.class, () -> adapter(Map.of("timeout", "1s", "retries", 0))
                .revoke(new Provisioned(REQUEST, "{}", Optional.empty())));

        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertEquals("webhook revoke BG-7 on orders-db failed: timed out after 1s waiting for " + origin(),
                e.getMessage());
        assertTrue(millis < 2500, "gave up after " + millis + " ms");
    }

    @Test
    void aTimeoutIsRetried() throws Exception {
        receiver.then(Reply.ok("").after(Duration.ofSeconds(3)), Reply.ok("{\"revoked\": true}"));

        assertTrue(adapter(Map.of("timeout", "1s", "retries", 1))
                .verifyRevoked(new Provisioned(REQUEST, "{}", Optional.empty())));

        assertEquals(2, receiver.received().size());
        assertEquals(List.of(Duration.ofMillis(200)), pauses);
    }

    @Test
    void aRefusedConnectionIsRetriedThenReported() throws IOException {
        String url = closedPortUrl();

        TargetException e = assertThrows(TargetException.class, () -> adapter(Map.of("url", url, "retries", 2))
                .revoke(new Provisioned(REQUEST, "{}", Optional.empty())));

        assertTrue(e.getMessage().startsWith("webhook revoke BG-7 on orders-db failed after 3 attempts: "
                + "connection refused by http://127.0.0.1:"), e.getMessage());
        assertEquals(List.of(Duration.ofMillis(200), Duration.ofMillis(400)), pauses);
    }

    @Test
    void anOversizedAnswerIsRefused() {
        receiver.then(Reply.ok("{\"handle\": {\"x\": \"" + "a".repeat(WebhookAdapter.MAX_ANSWER_BYTES) + "\"}}"));

        TargetException e = assertThrows(TargetException.class, () -> adapter().grant(REQUEST));

        assertTrue(e.getMessage().contains("longer than 1024 KiB"), e.getMessage());
        assertEquals(List.of("grant", "revoke"), receiver.actions());
    }

    // --- the signature as receivers see it ----------------------------------------------------------------------

    @Test
    void theSignatureCoversTheExactBodyBytes() throws Exception {
        adapter().revoke(new Provisioned(REQUEST, "{\"user\":\"bg_7\"}", Optional.empty()));
        Received r = receiver.received().get(0);
        String ts = r.header("X-Breakglass-Timestamp");
        String sig = r.header("X-Breakglass-Signature");
        long now = Long.parseLong(ts);

        assertEquals(Optional.empty(), WebhookReceiver.verify(SECRET, ts, sig, r.body(), now));

        // The same JSON, re-serialised by the receiver's own parser (non-ASCII escaped): different bytes.
        byte[] reserialised = JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII)
                .writeValueAsBytes(r.json());
        assertEquals(r.json(), JSON.readTree(reserialised));
        assertEquals(Optional.of("signature mismatch"), WebhookReceiver.verify(SECRET, ts, sig, reserialised, now));
        // One changed byte, a changed timestamp, another secret: all refused.
        byte[] tampered = r.body().clone();
        int at = new String(tampered, StandardCharsets.UTF_8).indexOf("BG-7") + 3;
        tampered[at] = '8';
        assertEquals(Optional.of("signature mismatch"), WebhookReceiver.verify(SECRET, ts, sig, tampered, now));
        assertEquals(Optional.of("signature mismatch"),
                WebhookReceiver.verify(SECRET, Long.toString(now - 1), sig, r.body(), now));
        assertEquals(Optional.of("signature mismatch"),
                WebhookReceiver.verify(SECRET + "x", ts, sig, r.body(), now));
    }

    @ParameterizedTest
    @ValueSource(ints = {-301, 301, -3600})
    void aClockOutsideTheWindowIsRefusedByTheReceiver(int skewSeconds) {
        clock = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(skewSeconds));

        TargetException e = assertThrows(TargetException.class,
                () -> adapter().revoke(new Provisioned(REQUEST, "{}", Optional.empty())));

        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertEquals(Optional.of("timestamp outside the 300 s window"), receiver.received().get(0).rejection());
        assertEquals(1, receiver.received().size());
    }

    @ParameterizedTest
    @ValueSource(ints = {-290, 290})
    void aClockInsideTheWindowIsAccepted(int skewSeconds) throws Exception {
        clock = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(skewSeconds));

        adapter().revoke(new Provisioned(REQUEST, "{}", Optional.empty()));

        assertEquals(Optional.empty(), receiver.received().get(0).rejection());
    }

    @Test
    void aReceiverWithAnotherSecretRefusesEveryRequest() {
        TargetException e = assertThrows(TargetException.class,
                () -> adapter(Map.of("secret", "another-secret-entirely-0123456789")).grant(REQUEST));

        assertEquals(Optional.of("signature mismatch"), receiver.received().get(0).rejection());
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
    }

    // --- secrets stay secret ------------------------------------------------------------------------------------

    @Test
    void credentialsAndSecretAppearInNoStringOrLog() throws Exception {
        receiver.then(Reply.ok("{\"handle\": {\"user\": \"bg_7\"}, \"credentials\": {\"password\": \""
                + PASSWORD + "\"}}"));
        WebhookAdapter adapter = adapter();

        Provisioned p = adapter.grant(REQUEST);

        assertEquals(PASSWORD, p.credentials().orElseThrow().fields().get("password"));
        for (Object o : List.of(p, p.credentials().orElseThrow(), adapter, adapter.settings())) {
            assertFalse(o.toString().contains(PASSWORD), o.getClass().getSimpleName() + ": " + o);
            assertFalse(o.toString().contains(SECRET), o.getClass().getSimpleName() + ": " + o);
            assertFalse(o.toString().contains("tenant=t1"), "query of the URL in " + o);
        }
        assertFalse(logs.list.isEmpty(), "calls are logged");
        assertNoSecretInLogs();
    }

    @Test
    void failureMessagesCarryNoSecretNorUrlQuery() throws IOException {
        List<TargetException> failures = new ArrayList<>();
        receiver.then(Reply.status(500), Reply.status(500), Reply.status(500), Reply.status(500));
        failures.add(assertThrows(TargetException.class,
                () -> adapter().revoke(new Provisioned(REQUEST, "{}", Optional.empty()))));
        receiver.then(Reply.ok("{\"credentials\": {\"password\": \"" + PASSWORD + "\"").after(Duration.ofSeconds(2)));
        failures.add(assertThrows(TargetException.class,
                () -> adapter(Map.of("timeout", "1s", "retries", 0)).grant(REQUEST)));
        String url = closedPortUrl() + "/x?token=" + PASSWORD;
        failures.add(assertThrows(TargetException.class,
                () -> adapter(Map.of("url", url, "retries", 0)).grant(REQUEST)));

        for (TargetException e : failures) {
            assertNoSecretIn(e);
            assertFalse(e.getMessage().contains("tenant=t1"), e.getMessage());
            assertFalse(e.getMessage().contains("/hooks"), e.getMessage());
        }
        assertNoSecretInLogs();
    }

    @Test
    void theBotsFactoryMakesWebhookAdapters() {
        var factory = new WebhookAdapterFactory(Clock.systemUTC());

        assertEquals("webhook", factory.type());
        assertEquals("orders-db", factory.create("orders-db", Map.of("url", receiver.url(), "secret", SECRET)).target());
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private WebhookAdapter adapter() {
        return adapter(Map.of());
    }

    /** An adapter for the receiver, settings overridden by {@code overrides}; pauses are recorded, not slept. */
    private WebhookAdapter adapter(Map<String, Object> overrides) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("url", receiver.url());
        settings.put("secret", "${HOOK_SECRET}");
        settings.putAll(overrides);
        Map<String, String> env = new HashMap<>();
        env.put("HOOK_SECRET", SECRET);
        Clock adapterClock = clock;
        return new WebhookAdapterFactory(adapterClock, EnvironmentVariables.of(env), pauses::add)
                .create("orders-db", settings);
    }

    private String origin() {
        return receiver.url().substring(0, receiver.url().indexOf("/hooks"));
    }

    /** A loopback URL whose port was just free: nothing listens there. */
    private static String closedPortUrl() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertNoSecretIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage()) + " " + t;
            assertFalse(text.contains(PASSWORD), "credential in: " + text);
            assertFalse(text.contains(SECRET), "secret in: " + text);
            for (Throwable s : t.getSuppressed()) {
                assertNoSecretIn(s);
            }
        }
    }

    private void assertNoSecretInLogs() {
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage();
            assertFalse(line.contains(PASSWORD), "credential in log: " + line);
            assertFalse(line.contains(SECRET), "secret in log: " + line);
            assertFalse(line.contains("justification") || line.contains("café"), "body in log: " + line);
        }
    }

    private static Logger logger() {
        return (Logger) LoggerFactory.getLogger("dev.breakglass.bot.adapter.webhook");
    }
}

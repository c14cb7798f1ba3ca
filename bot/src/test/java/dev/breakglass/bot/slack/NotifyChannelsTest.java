package dev.breakglass.bot.slack;

import com.sun.net.httpserver.HttpServer;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.SlackEmulator;
import dev.breakglass.bot.sandbox.state.SlackView;
import dev.breakglass.bot.sandbox.transport.ViewInput;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.OffsetClock;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static dev.breakglass.bot.testing.Workflow.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every state change in the notify channels: one line each, in order, filtered per channel, linked to the card. */
class NotifyChannelsTest {
    private static final String WHY = "orders DB is down, need to restart the replica";
    private static final String SECURITY = "C0SECURITY";
    private static final String MGMT = "C0MGMT";
    private final WebhookReceiver receiver = new WebhookReceiver();
    private RunningBot bot;
    private Workflow flow;
    private RateLimitingProxy proxy;
    private SlackEmulator emulator;

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (emulator != null) {
            emulator.close();
        }
        receiver.close();
    }

    private void start(String notify) {
        String policy = Workflow.policy(receiver).replace("  notify: [C0SECURITY, C0MGMT]\n", notify);
        bot = RunningBot.builder().policy(policy).start().awaitHealthy(Duration.ofSeconds(20));
        flow = new Workflow(bot);
    }

    /** The lines told about {@code id} in {@code channel}: a message may hold several lines when its lane was behind. */
    private List<String> lines(String channel, GrantId id) {
        return bot.slack().messages(channel).stream().map(Message::text).flatMap(String::lines)
                .filter(t -> t.contains("*" + id + "*") || t.contains(" " + id + ":") || t.contains(" " + id + " "))
                .toList();
    }

    private List<String> awaitLines(String channel, GrantId id, int n) {
        RunningBot.await(Workflow.WAIT, () -> lines(channel, id).size() >= n,
                () -> channel + " has " + lines(channel, id));
        return lines(channel, id);
    }

    private void fire(GrantId id, String due) {
        flow.fire(id, due);
    }

    @Test
    void aWholeLifecycleIsToldInOrderWithTheCardsPermalinkAndAFilteredChannelGetsOnlyItsEvents() throws Exception {
        start("  notify:\n    - C0SECURITY\n    - {channel: C0MGMT, events: [emergency, denied, revoked]}\n");
        GrantId id = flow.request(ALICE, "orders-db:admin 30m " + WHY);
        Message card = flow.card(id);
        flow.click(BOB, card, GrantCard.APPROVE, id);
        flow.awaitState(id, GrantState.ACTIVE);
        bot.clock().advance(Duration.ofMinutes(25));
        try { // the scheduler may fire the warning by itself once the clock moved; firing it again warns twice
            RunningBot.await(Duration.ofSeconds(5), () -> !flow.directMessages(ALICE, id).stream()
                    .filter(m -> m.blocks().toString().contains("Extend it")).toList().isEmpty(), () -> "no warning yet");
        } catch (AssertionError notYet) {
            fire(id, "warn");
        }
        Message warning = flow.awaitDirectMessage(ALICE, id, "Extend it");
        flow.press(ALICE, warning, GrantCard.EXTEND, id);
        SlackView form = bot.slack().openModal(ALICE).orElseThrow();
        bot.deliver().viewSubmission(ALICE, form.id(), ViewInput.create()
                .plainText("duration", "duration_input", "20m")
                .plainText("justification", "justification_input", "the restore is still running, ETA 20m"));
        Message extending = flow.awaitCard(id, "Extension requested");
        flow.click(CAROL, extending, GrantCard.APPROVE_EXTENSION, id);
        flow.awaitDirectMessage(ALICE, id, "approved 20m more");
        flow.click(ALICE, warning, GrantCard.DONE, id);
        flow.awaitState(id, GrantState.REVOKED);

        List<String> told = awaitLines(SECURITY, id, 8);
        String permalink = bot.slack().team().url() + "archives/C0APPROVALS/p" + card.ts().replace(".", "");
        List<String> expected = List.of(":inbox_tray: *" + id + "* requested · <@U0ALICE> · *orders-db* as *admin*",
                ":white_check_mark: *" + id + "* approved by <@U0BOB> · ",
                ":unlock: *" + id + "* active until ",
                ":hourglass: *" + id + "* expiring at ",
                ":hourglass_flowing_sand: *" + id + "* extension of 20m requested",
                ":ballot_box_with_check: *" + id + "* extension approved by <@U0CAROL>, moving the end at the target",
                ":heavy_plus_sign: *" + id + "* extended by 20m (<@U0CAROL>), until ",
                ":lock: *" + id + "* revoked by <@U0ALICE>: access removed");
        assertEquals(expected.size(), told.size(), told.toString());
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(told.get(i).startsWith(expected.get(i)), "message " + i + ": " + told.get(i));
            assertTrue(told.get(i).endsWith(" · <" + permalink + "|request card>"), told.get(i));
            assertFalse(told.get(i).contains("\n"), "one line: " + told.get(i));
        }

        GrantId denied = flow.request(ALICE, "orders-db 30m " + WHY);
        flow.press(BOB, flow.card(denied), GrantCard.DENY, denied);
        SlackView reason = bot.slack().openModal(BOB).orElseThrow();
        bot.deliver().viewSubmission(BOB, reason.id(), ViewInput.create()
                .plainText("reason", "reason_input", "use the read replica"));
        flow.awaitState(denied, GrantState.DENIED);
        awaitLines(SECURITY, denied, 2);
        List<String> mgmt = awaitLines(MGMT, denied, 1);
        assertTrue(mgmt.get(0).startsWith(":no_entry: *" + denied + "* denied by <@U0BOB>"), mgmt.get(0));
        assertTrue(mgmt.get(0).contains("_use the read replica_"), mgmt.get(0));
        List<String> mgmtFirst = awaitLines(MGMT, id, 1);
        assertEquals(1, mgmtFirst.size(), "only the revocation of " + id + ": " + mgmtFirst);
        assertTrue(mgmtFirst.get(0).startsWith(":lock: *" + id + "* revoked"), mgmtFirst.get(0));
        assertEquals(1, lines(MGMT, denied).size(), "not the request: " + lines(MGMT, denied));
    }

    @Test
    void userTextRendersInert() {
        start("  notify: [C0SECURITY]\n");
        GrantId id = flow.request(ALICE, "orders-db 30m restart it <!channel> <@U0BOB> <https://evil|click> now");
        List<String> told = awaitLines(SECURITY, id, 1);
        String line = told.get(0);
        assertTrue(line.contains("restart it &lt;!channel&gt; &lt;@U0BOB&gt; &lt;https://evil|click&gt; now"), line);
        assertFalse(line.contains("<!channel>"), line);
        assertFalse(line.contains("<https://evil"), line);
        assertFalse(line.contains("<@U0BOB>"), line);
    }

    @Test
    void aRateLimitedChannelGetsEverythingInOrderInFewerMessagesWithoutHoldingUpTheOthers() {
        proxy = new RateLimitingProxy(MGMT, 4);
        OffsetClock clock = OffsetClock.create("notify-" + java.util.UUID.randomUUID());
        emulator = SlackEmulator.sandbox(RunningBot.BOT_TOKEN, null, clock);
        proxy.target(emulator.apiUrl());
        bot = RunningBot.builder().policy(Workflow.policy(receiver)).clock(clock).slack(emulator)
                .property("breakglass.slack.api-url", proxy.url())
                .start().awaitHealthy(Duration.ofSeconds(20));
        flow = new Workflow(bot);

        GrantId id = flow.request(ALICE, "orders-db:admin 30m " + WHY);
        flow.click(BOB, flow.card(id), GrantCard.APPROVE, id);
        flow.awaitState(id, GrantState.ACTIVE);
        List<String> security = awaitLines(SECURITY, id, 3);
        List<String> mgmt = awaitLines(MGMT, id, 3);
        assertEquals(security, mgmt, "the same messages, in the same order, nothing dropped");
        assertTrue(mgmt.get(0).contains("requested") && mgmt.get(1).contains("approved")
                && mgmt.get(2).contains("active"), mgmt.toString());
        assertEquals(4, proxy.limited.get(), "four 429s answered");
        // The approval and the activation came while the channel waited out Slack: they went out together.
        assertTrue(proxy.posted.get(MGMT).size() <= 2, "three lines in at most two messages after the wait: "
                + bot.slack().messages(MGMT).stream().map(Message::text).toList());
        List<Long> securityPosts = proxy.posted.get(SECURITY);
        long lastSecurity = securityPosts.get(securityPosts.size() - 1);
        long firstMgmt = proxy.posted.get(MGMT).get(0);
        assertTrue(lastSecurity < proxy.lastLimited, "the other channel was not held up: its last message at "
                + lastSecurity + " ms, the limited channel's last 429 at " + proxy.lastLimited + " ms");
        assertTrue(firstMgmt - proxy.firstLimited >= 3_900, "Retry-After honoured: " + (firstMgmt - proxy.firstLimited));
    }

    /** Between the bot and the emulator: answers 429 (Retry-After: 1) to the first posts in one channel. */
    static final class RateLimitingProxy implements AutoCloseable {
        final Map<String, List<Long>> posted = new ConcurrentHashMap<>();
        final AtomicInteger limited = new AtomicInteger();
        volatile long firstLimited;
        volatile long lastLimited;
        private final HttpServer server;
        private final HttpClient client = HttpClient.newHttpClient();
        private final long start = System.nanoTime();
        private volatile String target;

        RateLimitingProxy(String channel, int times) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.createContext("/api/", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                String method = ex.getRequestURI().getPath().substring("/api/".length());
                String form = URLDecoder.decode(new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
                String posting = null;
                if (method.equals("chat.postMessage")) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^|&)channel=([^&]+)").matcher(form);
                    posting = m.find() ? m.group(1) : null;
                }
                long now = (System.nanoTime() - start) / 1_000_000;
                if (channel.equals(posting) && limited.get() < times) {
                    if (limited.incrementAndGet() == 1) {
                        firstLimited = now;
                    }
                    lastLimited = now;
                    byte[] answer = "{\"ok\":false,\"error\":\"ratelimited\"}".getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Retry-After", "1");
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    ex.sendResponseHeaders(429, answer.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(answer);
                    }
                    return;
                }
                if (posting != null) {
                    posted.computeIfAbsent(posting, k -> new CopyOnWriteArrayList<>()).add(now);
                }
                HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + method
                        + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery())))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                ex.getRequestHeaders().forEach((k, v) -> {
                    if (k.equalsIgnoreCase("Authorization") || k.equalsIgnoreCase("Content-Type")) {
                        v.forEach(value -> forward.header(k, value));
                    }
                });
                try {
                    HttpResponse<byte[]> r = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                    r.headers().firstValue("Content-Type").ifPresent(ct -> ex.getResponseHeaders().add("Content-Type", ct));
                    ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(r.body());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    ex.sendResponseHeaders(502, -1);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/";
        }

        void target(String apiUrl) {
            target = apiUrl;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}

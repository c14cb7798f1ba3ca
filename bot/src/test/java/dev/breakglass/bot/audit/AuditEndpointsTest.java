package dev.breakglass.bot.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /audit/export} and {@code /audit/verify} on the running bot, as an auditor's script calls them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditEndpointsTest {
    private static final String TOKEN = "audit-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestDatabase db;
    private RunningBot bot;
    private JdbcAuditLog log;

    @BeforeAll
    void start() {
        db = TestDatabase.h2();
        bot = RunningBot.builder().database(db).property("breakglass.audit.token", TOKEN).start();
        log = bot.bean(JdbcAuditLog.class);
        log.append(Instant.parse("2026-11-21T10:00:00Z"), 7, "Requested", "U0ALICE", Map.of("justification", "db down 🔥"));
        log.append(Instant.parse("2026-11-21T10:01:00Z"), 7, "Approved", "U0BOB", Map.of());
        log.append(Instant.parse("2026-11-21T10:02:00Z"), 8, "Requested", "U0CAROL", Map.of("n", 3));
    }

    @AfterAll
    void stop() {
        if (bot != null) {
            bot.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(bot.url(path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> chain() {
        List<String> lines = new ArrayList<>();
        log.each(e -> lines.add(AuditChain.jsonLine(e)));
        return lines;
    }

    @Test
    void aMissingOrWrongTokenIsRefused() throws Exception {
        for (String path : List.of("/audit/export", "/audit/verify")) {
            assertEquals(401, get(path, null).statusCode(), path);
            assertEquals(401, get(path, "Bearer wrong-token-0123456789abcdef").statusCode(), path);
            assertEquals(401, get(path, "Bearer " + TOKEN + "x").statusCode(), path);
            assertEquals(401, get(path, "Basic " + TOKEN).statusCode(), path);
            HttpResponse<String> refused = get(path, "Bearer nope");
            assertFalse(refused.body().contains(TOKEN));
            assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        }
    }

    @Test
    void theExportIsTheChainAndVerifiesOnItsOwn() throws Exception {
        HttpResponse<String> r = get("/audit/export", "Bearer " + TOKEN);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/x-ndjson"));
        List<String> lines = r.body().lines().toList();
        assertEquals(chain(), lines);
        assertTrue(lines.size() >= 3);
        List<AuditEntry> parsed = lines.stream().map(AuditJson::parse).toList();
        AuditEntry last = parsed.get(parsed.size() - 1);
        assertEquals(Optional.empty(), AuditChain.verify(parsed, last.seq(), last.hash(),
                bot.bean(dev.breakglass.bot.config.AuditKey.class), Optional.empty()));
    }

    @Test
    void oneGrantsEntriesCanBeExported() throws Exception {
        HttpResponse<String> r = get("/audit/export?grant=BG-7", "Bearer " + TOKEN);
        assertEquals(200, r.statusCode());
        List<String> expected = log.forGrant(7).stream().map(AuditChain::jsonLine).toList();
        assertEquals(expected, r.body().lines().toList());
        assertEquals(400, get("/audit/export?grant=orders", "Bearer " + TOKEN).statusCode());
    }

    @Test
    void verifyReportsAnIntactChainThenTheTamperedEntry() throws Exception {
        HttpResponse<String> ok = get("/audit/verify", "Bearer " + TOKEN);
        assertEquals(200, ok.statusCode());
        JsonNode body = JSON.readTree(ok.body());
        assertTrue(body.get("ok").asBoolean(), ok.body());
        assertEquals(chain().size(), body.get("entries").asInt());

        AuditEntry victim = log.forGrant(7).get(1);
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE audit_log SET actor = 'U0MALLORY' WHERE seq = " + victim.seq());
        }
        try {
            JsonNode broken = JSON.readTree(get("/audit/verify", "Bearer " + TOKEN).body());
            assertFalse(broken.get("ok").asBoolean());
            assertEquals(victim.seq(), broken.at("/break/seq").asLong());
            assertEquals("BG-7", broken.at("/break/grant").asText());
            assertEquals("Approved", broken.at("/break/type").asText());
            assertTrue(broken.at("/break/problem").asText().contains("changed"), broken.toString());
        } finally {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("UPDATE audit_log SET actor = 'U0BOB' WHERE seq = " + victim.seq());
            }
        }
    }

    @Test
    void withoutATokenTheEndpointsDoNotExist() throws Exception {
        try (RunningBot plain = RunningBot.overHttp()) {
            for (String path : List.of("/audit/export", "/audit/verify")) {
                HttpRequest req = HttpRequest.newBuilder(plain.url(path)).header("Authorization", "Bearer " + TOKEN)
                        .GET().build();
                assertEquals(404, HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString())
                        .statusCode(), path);
                assertEquals(404, plain.get(path).statusCode(), path);
            }
        }
    }

    @Test
    void aShortTokenStopsTheStart() {
        Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
                () -> RunningBot.builder().property("breakglass.audit.token", "short").start().close());
        Throwable t = failure;
        boolean named = false;
        while (t != null) {
            named |= String.valueOf(t.getMessage()).contains("BREAKGLASS_AUDIT_TOKEN is shorter");
            assertFalse(String.valueOf(t.getMessage()).contains("\"short\""));
            t = t.getCause();
        }
        assertTrue(named, failure.toString());
    }

    @Test
    void verifyWithACheckpointFailsWhenTheLogNoLongerHoldsIt() throws Exception {
        Checkpoint checkpoint = log.checkpoint().orElseThrow();
        String query = "/audit/verify?checkpoint=" + java.net.URLEncoder.encode(checkpoint.line(),
                java.nio.charset.StandardCharsets.UTF_8);
        JsonNode ok = JSON.readTree(get(query, "Bearer " + TOKEN).body());
        assertTrue(ok.get("ok").asBoolean(), ok.toString());

        Checkpoint beyond = Checkpoint.sign(bot.bean(dev.breakglass.bot.config.AuditKey.class),
                checkpoint.seq() + 1000, checkpoint.head());
        JsonNode cut = JSON.readTree(get("/audit/verify?checkpoint=" + java.net.URLEncoder.encode(beyond.line(),
                java.nio.charset.StandardCharsets.UTF_8), "Bearer " + TOKEN).body());
        assertFalse(cut.get("ok").asBoolean(), cut.toString());
        assertTrue(cut.at("/break/problem").asText().contains("entries at the end were removed"), cut.toString());

        HttpResponse<String> bad = get("/audit/verify?checkpoint=nonsense", "Bearer " + TOKEN);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("not a checkpoint"), bad.body());
    }
}

package dev.breakglass.bot.activity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.activity.Activity;
import dev.breakglass.activity.Completeness;
import dev.breakglass.bot.audit.AuditChain;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.grant.GrantId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /activity/export} on the running bot, as an auditor's script calls it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivityExportTest {
    private static final String TOKEN = "audit-token-0123456789abcdef";
    private static final Instant T0 = Instant.parse("2026-12-03T06:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestDatabase db;
    private RunningBot bot;

    @BeforeAll
    void start() {
        db = TestDatabase.h2();
        bot = RunningBot.builder().database(db).property("breakglass.audit.token", TOKEN).start();
        JdbcActivityLog log = bot.bean(JdbcActivityLog.class);
        GrantId bg7 = new GrantId(7);
        GrantId bg8 = new GrantId(8);
        log.append(bg7, "postgres-log", List.of(
                new Activity(bg7, T0, "bg_alice_7", "statement", "ALTER ROLE bg_alice_7 PASSWORD 'hunter2-x'",
                        "postgres-log", Completeness.COMPLETE),
                new Activity(bg7, T0.plusSeconds(1), "bg_alice_7", "statement", "DROP TABLE t", "postgres-log",
                        Completeness.COMPLETE)), Arrays.asList(null, "DROP"), Optional.of("p1"), T0.plusSeconds(2));
        log.append(bg8, "pg_stat_activity", List.of(new Activity(bg8, T0, "bg_bob_8", "statement", "select 1",
                "pg_stat_activity", Completeness.SAMPLED)), Arrays.asList((String) null), Optional.empty(), T0);
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

    private static List<JsonNode> lines(String body) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void exportsEveryActivityMaskedWithItsDigestAndFlag() throws Exception {
        HttpResponse<String> r = get("/activity/export", "Bearer " + TOKEN);
        assertEquals(200, r.statusCode());
        assertEquals("application/x-ndjson", r.headers().firstValue("Content-Type").orElse(""));
        List<JsonNode> lines = lines(r.body());
        assertEquals(3, lines.size());
        assertEquals("BG-7", lines.get(0).get("grant").asText());
        assertEquals("ALTER ROLE bg_alice_7 PASSWORD '***'", lines.get(0).get("detail").asText());
        assertFalse(r.body().contains("hunter2"));
        assertEquals("DROP", lines.get(1).get("flag").asText());
        assertTrue(lines.get(0).get("flag").isNull());
        assertEquals("sampled", lines.get(2).get("completeness").asText());
        assertEquals("complete", lines.get(0).get("completeness").asText());

        List<String> auditDigests = new ArrayList<>();
        bot.bean(JdbcAuditLog.class).each(e -> {
            if (e.type().equals(JdbcActivityLog.AUDIT_TYPE)) {
                auditDigests.add((String) e.details().get("digest"));
                assertFalse(AuditChain.jsonLine(e).contains("DROP TABLE"), "no text in the audit chain");
            }
        });
        assertEquals(lines.stream().map(l -> l.get("digest").asText()).toList(), auditDigests);
    }

    @Test
    void oneGrant() throws Exception {
        List<JsonNode> lines = lines(get("/activity/export?grant=BG-8", "Bearer " + TOKEN).body());
        assertEquals(1, lines.size());
        assertEquals("select 1", lines.get(0).get("detail").asText());
        HttpResponse<String> bad = get("/activity/export?grant=orders", "Bearer " + TOKEN);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("grant must look like BG-7"));
    }

    @Test
    void aMissingOrWrongTokenIsRefused() throws Exception {
        assertEquals(401, get("/activity/export", null).statusCode());
        assertEquals(401, get("/activity/export", "Bearer wrong-token-0123456789abcdef").statusCode());
        assertFalse(get("/activity/export", "Bearer nope").body().contains("DROP"));
    }
}

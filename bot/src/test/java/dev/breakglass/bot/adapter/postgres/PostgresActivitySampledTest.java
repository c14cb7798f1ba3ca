package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.activity.Activity;
import dev.breakglass.activity.Completeness;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sampled capture on the machine's PostgreSQL, whose logging collector is off: with {@code activity: log} the
 * first read finds the log unreadable and samples {@code pg_stat_activity}, every line marked sampled.
 */
class PostgresActivitySampledTest {
    private static SharedPostgres pg;
    private static String rw;

    @BeforeAll
    static void setUp() {
        pg = SharedPostgres.connect();
        rw = pg.prefix + "rw";
        pg.sql("CREATE ROLE " + rw + " NOLOGIN");
    }

    @AfterAll
    static void tearDown() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void withoutALogTheLatestStatementOfEachSessionIsSampledOnceAndMasked() throws Exception {
        assumeTrue(!"on".equals(pg.value("SELECT current_setting('logging_collector')")),
                "this server has a logging collector; the sampled fallback is shown where it has none");
        PostgresAdapter adapter = adapter(Map.of());
        Provisioned p = adapter.grant(request());
        String role = p.credentials().orElseThrow().fields().get("username");
        ActivitySource source = adapter.activity().orElseThrow();
        try (Connection one = pg.login(role, null); Statement s1 = one.createStatement();
             Connection two = pg.login(role, null); Statement s2 = two.createStatement()) {
            s1.execute("SELECT 'first'");
            ActivitySource.Page first = source.read(p, Optional.empty());

            assertEquals(List.of("SELECT 'first'"), details(first));
            Activity a = first.activities().get(0);
            assertEquals(Completeness.SAMPLED, a.completeness());
            assertEquals("pg_stat_activity", a.source());
            assertEquals(role, a.actor());
            assertEquals("statement", a.action());
            assertTrue(first.position().startsWith("sample:"), first.position());

            assertEquals(List.of(), source.read(p, Optional.of(first.position())).activities(), "each once");

            s2.execute("ALTER ROLE " + role + " PASSWORD 'sampled-secret-1'");
            s1.execute("SELECT 'missed'");
            s1.execute("SELECT 'second'");
            ActivitySource.Page second = source.read(p, Optional.of(first.position()));

            assertEquals(List.of("ALTER ROLE " + role + " PASSWORD '***'", "SELECT 'second'"), details(second),
                    "the latest of each session, in the order they started; 'missed' was never seen");
            assertFalse(second.activities().toString().contains("sampled-secret-1"));

            // The position survives a restart: a new reader from it sees nothing again.
            assertEquals(List.of(), adapter(Map.of()).activity().orElseThrow()
                    .read(p, Optional.of(second.position())).activities());
        } finally {
            adapter.revoke(p.withoutCredentials());
        }
    }

    @Test
    void offMeansNoCaptureAndSampledSaysSo() throws Exception {
        assertTrue(adapter(Map.of("activity", "off")).activity().isEmpty());
        assertEquals(Completeness.SAMPLED, adapter(Map.of("activity", "sampled")).activity().orElseThrow()
                .completeness());
        assertEquals(Completeness.COMPLETE, adapter(Map.of()).activity().orElseThrow().completeness());
    }

    @Test
    void aGrantWhoseLogWasReadDoesNotSilentlySwitchToSamples() throws Exception {
        PostgresAdapter adapter = adapter(Map.of());
        Provisioned p = adapter.grant(request());
        try {
            TargetException e = assertThrows(TargetException.class, () -> adapter.activity().orElseThrow()
                    .read(p, Optional.of("log:0:postgresql-2026-01-01_000000.json")));
            assertTrue(e.getMessage().startsWith("postgres activity " + p.request().id() + " on orders-db failed: the "
                    + "server log cannot be read: "), e.getMessage());
        } finally {
            adapter.revoke(p.withoutCredentials());
        }
    }

    private static List<String> details(ActivitySource.Page page) {
        // The driver's own first statement in each session is captured too; left out here to keep the lists short.
        return page.activities().stream().map(Activity::detail)
                .filter(d -> !d.equals("SET application_name = 'PostgreSQL JDBC Driver'")).toList();
    }

    private static GrantRequest request() {
        return new GrantRequest(pg.newGrantId(), "orders-db", Optional.empty(), "U0ALICE", Optional.empty(),
                Instant.now().plus(Duration.ofMinutes(30)), "INC-42: orders stuck, need to look");
    }

    private static PostgresAdapter adapter(Map<String, Object> more) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("url", pg.url);
        s.put("admin-user", pg.user);
        s.put("admin-password", pg.password);
        s.put("default-role", rw);
        s.putAll(more);
        return new PostgresAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(Map.of()))
                .create("orders-db", s);
    }
}

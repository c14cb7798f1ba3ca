package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.activity.Activity;
import dev.breakglass.activity.Completeness;
import dev.breakglass.bot.adapter.ActivityReads;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The complete capture: a throwaway cluster whose logging collector writes jsonlog and csvlog, and the grant's
 * statements read back from it through the admin connection ({@code pg_read_binary_file}) and from the folder
 * ({@code activity-log-dir}), across a log rotation and a restart of the reader, including a session that stays
 * open until revoke ends it.
 */
class PostgresActivityLogTest {
    private static final AtomicLong IDS = new AtomicLong(1);
    private static ThrowawayCluster cluster;

    @BeforeAll
    static void start() {
        cluster = ThrowawayCluster.logging("jsonlog,csvlog", "-c log_connections=on -c log_disconnections=on");
        cluster.sql("CREATE TABLE orders (id int PRIMARY KEY, item text)",
                "INSERT INTO orders VALUES (1, 'widget')",
                "CREATE ROLE app_rw NOLOGIN",
                "GRANT SELECT, UPDATE ON orders TO app_rw",
                "CREATE ROLE oncall NOLOGIN");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyStatementOfTheGrantComesFromTheServerLogMaskedAcrossRotationAndRestart() throws Exception {
        PostgresAdapter adapter = adapter(perGrant());
        Provisioned p = adapter.grant(request());
        String role = user(p);
        String secret = "hunter2-" + HexFormat.of().formatHex(new byte[] {7, 9});
        try (Connection c = login(p); Statement s = c.createStatement()) {
            s.execute("SELECT item FROM orders WHERE id = 1");
            s.execute("UPDATE orders SET item = 'gadget' WHERE id = 1");
            s.execute("ALTER ROLE " + role + " PASSWORD '" + secret + "'");
            assertThrows(SQLException.class, () -> s.execute("SELECT * FROM no_such_table"));
        }
        cluster.sql("SELECT 'the admin is not the grant'");
        ActivitySource source = adapter.activity().orElseThrow();
        assertEquals(Completeness.COMPLETE, source.completeness());

        ActivitySource.Page first = ActivityReads.until(source, p, Optional.empty(), page -> page.activities().stream()
                .anyMatch(a -> a.action().equals("logout")));

        List<String> statements = first.activities().stream().filter(a -> a.action().equals("statement"))
                .map(Activity::detail).toList();
        // The driver's own SET first; a statement that fails before it runs is logged as its error only.
        assertEquals(List.of("SET application_name = 'PostgreSQL JDBC Driver'", "SELECT item FROM orders WHERE id = 1",
                "UPDATE orders SET item = 'gadget' WHERE id = 1", "ALTER ROLE " + role + " PASSWORD '***'"),
                statements);
        assertTrue(first.activities().stream().anyMatch(a -> a.action().equals("login")), "log_connections");
        assertTrue(first.activities().stream().anyMatch(a -> a.action().equals("error")
                && a.detail().equals("relation \"no_such_table\" does not exist — in: SELECT * FROM no_such_table")),
                "the failed statement's error, with the statement");
        for (Activity a : first.activities()) {
            assertEquals(role, a.actor());
            assertEquals(p.request().id(), a.grant());
            assertEquals("postgres-log", a.source());
            assertEquals(Completeness.COMPLETE, a.completeness());
            assertFalse(a.detail().contains(secret), a.detail());
            assertFalse(a.detail().contains("the admin is not"), a.detail());
        }
        assertTrue(first.position().startsWith("log:"), first.position());

        // The server moves to a new file; a new reader (the bot restarted) resumes from the stored position. The
        // default log_filename names files to the second: rotating within the second the file was opened reopens
        // the same file, so wait for the next second first (a fast machine got here within it).
        Thread.sleep(1100);
        cluster.sql("SELECT pg_rotate_logfile()");
        try (Connection c = cluster.login(role, secret); Statement s = c.createStatement()) {
            s.execute("SELECT 'after rotation'");
        }
        ActivitySource restarted = adapter(perGrant()).activity().orElseThrow();
        ActivitySource.Page second = ActivityReads.until(restarted, p, Optional.of(first.position()),
                page -> details(page).contains("SELECT 'after rotation'"));

        assertEquals(List.of("SET application_name = 'PostgreSQL JDBC Driver'", "SELECT 'after rotation'"), second.activities().stream()
                .filter(a -> a.action().equals("statement")).map(Activity::detail).toList(), "nothing read twice");
        assertFalse(second.position().substring(second.position().indexOf(':', 4))
                .equals(first.position().substring(first.position().indexOf(':', 4))), "read on into the new file");
        assertEquals(List.of(), restarted.read(p, Optional.of(second.position())).activities().stream()
                .filter(a -> a.action().equals("statement")).toList());
    }

    /** The acceptance line: a session still open at revoke is ended by it, and what it ran is all there. */
    @Test
    void aSessionThatStaysOpenUntilRevokeIsCapturedAndItsEndToo() throws Exception {
        PostgresAdapter adapter = adapter(perGrant());
        Provisioned p = adapter.grant(request());
        ActivitySource source = adapter.activity().orElseThrow();
        try (Connection c = login(p); Statement s = c.createStatement()) {
            s.execute("SELECT 'before revoke'");
            adapter.revoke(p.withoutCredentials());
            assertThrows(SQLException.class, () -> s.execute("SELECT 'after revoke'"), "revoke ends the session");
        }

        ActivitySource.Page page = ActivityReads.until(source, p, Optional.empty(), pg -> pg.activities().stream()
                .anyMatch(a -> a.action().equals("error") && a.detail().contains("administrator command")));

        assertTrue(details(page).contains("SELECT 'before revoke'"), details(page).toString());
        assertFalse(details(page).contains("SELECT 'after revoke'"));
    }

    @Test
    void theFolderSettingReadsTheSameFilesAndCsvlogSaysTheSameAsJsonlog() throws Exception {
        PostgresAdapter adapter = adapter(perGrant());
        Provisioned p = adapter.grant(request());
        try (Connection c = login(p); Statement s = c.createStatement()) {
            s.execute("SELECT 'line one\nline two, \"quoted\"'");
        }
        Map<String, Object> folder = perGrant();
        folder.put("activity-log-dir", cluster.logDir().toString());
        ActivitySource viaServer = adapter.activity().orElseThrow();
        ActivitySource viaFolder = adapter(folder).activity().orElseThrow();

        List<Activity> server = ActivityReads.until(viaServer, p, Optional.empty(),
                page -> details(page).stream().anyMatch(d -> d.contains("line two"))).activities();
        List<Activity> files = viaFolder.read(p, Optional.empty()).activities();

        Predicate<Activity> statement = a -> a.action().equals("statement");
        assertEquals(server.stream().filter(statement).toList(), files.stream().filter(statement).toList());
        assertTrue(details(files).contains("SELECT 'line one\nline two, \"quoted\"'"), details(files).toString());
        List<String> json = records(LogRecord.Format.JSON, user(p));
        List<String> csv = records(LogRecord.Format.CSV, user(p));
        assertEquals(json, csv);
        assertTrue(json.contains("execute <unnamed>: SELECT 'line one\nline two, \"quoted\"'"), json.toString());
    }

    /** Shared account: a grant's statements are the account's sessions from when the grant set its password. */
    @Test
    void aSharedAccountGrantSeesOnlySessionsFromItsOwnStart() throws Exception {
        PostgresAdapter adapter = adapter(shared());
        Provisioned earlier = adapter.grant(request());
        try (Connection c = login(earlier); Statement s = c.createStatement()) {
            s.execute("SELECT 'under the earlier grant'");
        }
        adapter.revoke(earlier.withoutCredentials());
        Thread.sleep(1100); // session starts are logged to the second
        Provisioned later = adapter.grant(request());
        assertTrue(later.handle().contains("\"since\""), later.handle());
        try (Connection c = login(later); Statement s = c.createStatement()) {
            s.execute("SELECT 'under the later grant'");
        }
        ActivitySource source = adapter.activity().orElseThrow();

        List<String> seen = details(ActivityReads.until(source, later, Optional.empty(),
                page -> details(page).contains("SELECT 'under the later grant'")));

        assertFalse(seen.contains("SELECT 'under the earlier grant'"), seen.toString());
        assertTrue(details(source.read(earlier, Optional.empty())).contains("SELECT 'under the earlier grant'"));
        adapter.revoke(later.withoutCredentials());
    }

    private static List<String> records(LogRecord.Format format, String user) throws Exception {
        List<String> messages = new ArrayList<>();
        try (Stream<Path> files = Files.list(cluster.logDir())) {
            for (Path f : files.filter(f -> f.toString().endsWith(format.suffix)).sorted().toList()) {
                for (LogRecord r : format.parse(Files.readAllBytes(f)).records()) {
                    if (user.equals(r.user())) {
                        messages.add(r.severity() + " " + r.message());
                    }
                }
            }
        }
        return messages.stream().map(m -> m.substring(m.indexOf(' ') + 1)).toList();
    }

    private static List<String> details(ActivitySource.Page page) {
        return details(page.activities());
    }

    private static List<String> details(List<Activity> activities) {
        return activities.stream().map(Activity::detail).toList();
    }

    private static Connection login(Provisioned p) throws SQLException {
        return cluster.login(user(p), p.credentials().orElseThrow().fields().get("password"));
    }

    private static String user(Provisioned p) {
        return p.credentials().orElseThrow().fields().get("username");
    }

    private static GrantRequest request() {
        return new GrantRequest(new GrantId(IDS.getAndIncrement()), "orders-db", Optional.empty(), "U0ALICE",
                Optional.empty(), Instant.now().plus(Duration.ofMinutes(30)), "INC-42: orders stuck, need to look");
    }

    private static Map<String, Object> perGrant() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("url", cluster.url());
        s.put("admin-user", ThrowawayCluster.SUPERUSER);
        s.put("admin-password", "${PG_ADMIN_PASSWORD}");
        s.put("default-role", "app_rw");
        return s;
    }

    private static Map<String, Object> shared() {
        Map<String, Object> s = perGrant();
        s.put("mode", "shared-account");
        s.put("account", "oncall");
        return s;
    }

    private static PostgresAdapter adapter(Map<String, Object> settings) {
        return new PostgresAdapterFactory(Clock.systemUTC(),
                EnvironmentVariables.of(Map.of("PG_ADMIN_PASSWORD", cluster.superPassword())))
                .create("orders-db", settings);
    }
}

package dev.breakglass.bot.adapter.mysql;

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
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Activity capture against the real MariaDB: the audit plugin's file (complete), the general log table (complete)
 * and process list samples. The class turns on the general log (to its table) and the audit plugin (into a folder of
 * its own) and puts every global it changed back afterwards, uninstalling the plugin if it installed it; other tests
 * may use the server meanwhile (they only see more logging).
 */
class MysqlActivityTest {
    private static final AtomicLong next = new AtomicLong(500);
    private static MariaDb db;
    private static final Map<String, String> saved = new LinkedHashMap<>();
    private static boolean installedAudit;
    private static boolean generalLogWasEmpty;
    private static Path auditDir;

    @BeforeAll
    static void server() throws Exception {
        db = MariaDb.scratch();
        for (String v : List.of("general_log", "log_output")) {
            saved.put(v, db.strings("SELECT @@global." + v + " FROM DUAL WHERE ? = 'x'", "x").get(0));
        }
        generalLogWasEmpty = "0".equals(db.strings("SELECT count(*) FROM mysql.general_log WHERE ? = 'x'", "x").get(0));
        db.execute("SET GLOBAL log_output = '" + (saved.get("log_output").contains("TABLE") ? saved.get("log_output")
                : saved.get("log_output") + ",TABLE") + "'");
        db.execute("SET GLOBAL general_log = ON");
        installedAudit = db.strings("SELECT plugin_name FROM information_schema.plugins WHERE plugin_name = "
                + "'SERVER_AUDIT' AND ? = 'x'", "x").isEmpty();
        if (installedAudit) {
            db.execute("INSTALL SONAME 'server_audit'");
        }
        for (String v : List.of("server_audit_logging", "server_audit_file_path", "server_audit_events",
                "server_audit_output_type")) {
            saved.put(v, db.strings("SELECT @@global." + v + " FROM DUAL WHERE ? = 'x'", "x").get(0));
        }
        auditDir = Files.createTempDirectory("breakglass-audit-");
        // The server writes the file as its own OS user; the bot (this test, as root) reads it.
        if ("root".equals(System.getProperty("user.name"))) {
            UserPrincipal mysql = auditDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("mysql");
            Files.setOwner(auditDir, mysql);
        }
        db.execute("SET GLOBAL server_audit_output_type = 'file'");
        db.execute("SET GLOBAL server_audit_file_path = '" + auditDir.resolve("server_audit.log") + "'");
        db.execute("SET GLOBAL server_audit_events = 'CONNECT,QUERY'");
        db.execute("SET GLOBAL server_audit_logging = ON");
    }

    @AfterAll
    static void restore() throws Exception {
        if (db == null) {
            return;
        }
        try {
            db.execute("SET GLOBAL general_log = " + ("1".equals(saved.get("general_log")) ? "ON" : "OFF"));
            db.execute("SET GLOBAL log_output = '" + saved.get("log_output") + "'");
            if (generalLogWasEmpty && "0".equals(saved.get("general_log"))) {
                db.execute("TRUNCATE TABLE mysql.general_log");
            }
            if (saved.containsKey("server_audit_logging")) {
                db.execute("SET GLOBAL server_audit_logging = " + ("1".equals(saved.get("server_audit_logging"))
                        || "ON".equals(saved.get("server_audit_logging")) ? "ON" : "OFF"));
                db.execute("SET GLOBAL server_audit_events = '" + saved.get("server_audit_events") + "'");
                db.execute("SET GLOBAL server_audit_output_type = '" + saved.get("server_audit_output_type") + "'");
                db.execute("SET GLOBAL server_audit_file_path = '" + saved.get("server_audit_file_path") + "'");
            }
            if (installedAudit) {
                db.execute("UNINSTALL SONAME 'server_audit'");
            }
        } finally {
            db.close();
            if (auditDir != null) {
                try (var files = Files.walk(auditDir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void theGeneralLogTableHasEveryStatementIncludingASessionOpenUntilRevoke() throws Exception {
        MysqlAdapter adapter = adapter(Map.of()); // auto: no audit file set, the general log is on
        Provisioned p = adapter.grant(request());
        String user = user(p);
        try (Connection c = db.login(user, password(p)); Statement s = c.createStatement()) {
            s.executeQuery("SELECT a FROM t").close();
            s.execute("SET PASSWORD = PASSWORD('general-secret-1')");
            assertThrows(SQLException.class, () -> s.execute("SELECT * FROM no_such_table"));
        }
        ActivitySource source = adapter.activity().orElseThrow();

        ActivitySource.Page first = ActivityReads.until(source, p, Optional.empty(),
                page -> actions(page).contains("logout"));

        List<String> ours = List.of("SELECT a FROM t", "SET PASSWORD = PASSWORD('***')", "SELECT * FROM no_such_table");
        // The driver's own set-up statements are captured too; the test's own come in order after them.
        assertEquals(ours, statements(first).stream().filter(ours::contains).toList(), statements(first).toString());
        assertEquals("login", first.activities().get(0).action());
        for (Activity a : first.activities()) {
            assertEquals(Completeness.COMPLETE, a.completeness());
            assertEquals("mysql-general-log", a.source());
            assertEquals(user, a.actor());
            assertFalse(a.detail().contains("general-secret-1"), a.detail());
        }

        Connection open = db.login(user, "general-secret-1");
        try (Statement s = open.createStatement()) {
            s.executeQuery("SELECT a FROM t WHERE a = 1").close();
            adapter.revoke(p.withoutCredentials());
            assertThrows(SQLException.class, () -> s.executeQuery("SELECT a FROM t WHERE a = 2").close());
        } finally {
            open.close();
        }
        ActivitySource restarted = adapter(Map.of()).activity().orElseThrow();
        ActivitySource.Page second = ActivityReads.until(restarted, p, Optional.of(first.position()),
                page -> statements(page).contains("SELECT a FROM t WHERE a = 1"));

        assertFalse(statements(second).contains("SELECT a FROM t"), "nothing read twice: " + statements(second));
        assertFalse(statements(second).contains("SELECT a FROM t WHERE a = 2"));
    }

    @Test
    void theAuditPluginsFileHasEveryStatementAcrossARotation() throws Exception {
        Map<String, Object> audit = Map.of("activity-audit-log", auditDir.resolve("server_audit.log").toString());
        MysqlAdapter adapter = adapter(audit);
        Provisioned p = adapter.grant(request());
        String user = user(p);
        try (Connection c = db.login(user, password(p)); Statement s = c.createStatement()) {
            s.executeQuery("SELECT a, 'it''s, \\\\ here' FROM t").close();
            s.execute("SET PASSWORD = PASSWORD('audit-secret-1')");
        }
        ActivitySource source = adapter.activity().orElseThrow();
        ActivitySource.Page first = ActivityReads.until(source, p, Optional.empty(), page -> actions(page).contains("logout"));

        assertTrue(statements(first).contains("SELECT a, 'it''s, \\\\ here' FROM t"), statements(first).toString());
        assertTrue(statements(first).stream().anyMatch(d -> d.startsWith("SET PASSWORD = PASSWORD(")),
                statements(first).toString());
        assertEquals("login", first.activities().get(0).action());
        for (Activity a : first.activities()) {
            assertEquals(Completeness.COMPLETE, a.completeness());
            assertEquals("mysql-audit", a.source());
            assertFalse(a.detail().contains("audit-secret-1"), a.detail());
        }
        assertTrue(first.position().startsWith("audit:"), first.position());

        try (Connection c = db.login(user, "audit-secret-1"); Statement s = c.createStatement()) {
            s.executeQuery("SELECT 'before rotation'").close();
            db.execute("SET GLOBAL server_audit_file_rotate_now = ON");
            s.executeQuery("SELECT 'after rotation'").close();
        }
        assertTrue(Files.exists(auditDir.resolve("server_audit.log.1")), "the plugin renamed the file");
        ActivitySource.Page second = ActivityReads.until(adapter(audit).activity().orElseThrow(), p,
                Optional.of(first.position()), page -> statements(page).contains("SELECT 'after rotation'"));

        // The driver's set-up statement of the new session comes first.
        assertEquals(List.of("SELECT 'before rotation'", "SELECT 'after rotation'"), statements(second).stream()
                .filter(d -> !d.startsWith("set sql_mode=")).toList(), "each once, the renamed file finished first");
        adapter.revoke(p.withoutCredentials());
    }

    @Test
    void samplesSeeTheStatementsRunningWhenTheBotLooksEachOnce() throws Exception {
        MysqlAdapter adapter = adapter(Map.of("activity", "sampled"));
        Provisioned p = adapter.grant(request());
        ActivitySource source = adapter.activity().orElseThrow();
        assertEquals(Completeness.SAMPLED, source.completeness());
        try (Connection c = db.login(user(p), password(p))) {
            CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT SLEEP(2), 'slow one'").close();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            ActivitySource.Page first = ActivityReads.until(source, p, Optional.empty(),
                    page -> statements(page).contains("SELECT SLEEP(2), 'slow one'"));
            Activity a = first.activities().get(first.activities().size() - 1);
            assertEquals(Completeness.SAMPLED, a.completeness());
            assertEquals("mysql-processlist", a.source());
            Thread.sleep(300);
            assertEquals(List.of(), source.read(p, Optional.of(first.position())).activities(), "each once");
            slow.join();
        } finally {
            adapter.revoke(p.withoutCredentials());
        }
        assertTrue(adapter(Map.of("activity", "off")).activity().isEmpty());
    }

    private static List<String> statements(ActivitySource.Page page) {
        return page.activities().stream().filter(a -> a.action().equals("statement")).map(Activity::detail)
                .toList();
    }

    private static List<String> actions(ActivitySource.Page page) {
        return page.activities().stream().map(Activity::action).toList();
    }

    private static GrantRequest request() {
        return new GrantRequest(new GrantId(db.idBase + next.incrementAndGet()), "shop-db", Optional.empty(),
                "U0ALICE", Optional.empty(), Clock.systemUTC().instant().plus(Duration.ofMinutes(30)),
                "INC-42: orders stuck, need to look at the queue");
    }

    private static String user(Provisioned p) {
        return p.credentials().orElseThrow().fields().get("username");
    }

    private static String password(Provisioned p) {
        return p.credentials().orElseThrow().fields().get("password");
    }

    private static MysqlAdapter adapter(Map<String, Object> more) {
        Map<String, Object> settings = new LinkedHashMap<>(Map.of("default-grants",
                List.of("SELECT ON " + db.database + ".t")));
        settings.putAll(more);
        return new MysqlAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(Map.of()))
                .create("shop-db", db.settings(settings));
    }
}

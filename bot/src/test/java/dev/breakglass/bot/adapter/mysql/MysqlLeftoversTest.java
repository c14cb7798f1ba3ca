package dev.breakglass.bot.adapter.mysql;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.RevokeReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a real MariaDB: the stored objects a grant's account defines during the window (a {@code SQL SECURITY DEFINER}
 * procedure, function and view, a trigger, an event) do not outlive it. Left with a dangling definer they would run
 * as any account later made under that name; after revoke they are gone, an invoker view is kept, and the report
 * names each one. Shown the hard way: the account's name is made again with the rights to the protected table, and
 * another low-privileged account still reads nothing through what the grant left.
 */
class MysqlLeftoversTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static MariaDb db;
    private static MysqlAdapter adapter;

    @BeforeAll
    static void server() {
        db = MariaDb.scratch();
        db.execute("CREATE TABLE `" + db.database + "`.vault (secret VARCHAR(40))");
        db.execute("INSERT INTO `" + db.database + "`.vault VALUES ('the-crown-jewels')");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("roles", Map.of("maker", List.of("SELECT, INSERT, CREATE ROUTINE, CREATE VIEW, TRIGGER, EVENT ON "
                + db.database + ".*")));
        adapter = new MysqlAdapterFactory(CLOCK, EnvironmentVariables.of(Map.of()), () -> new Passwords().get())
                .create("shop-db", db.settings(settings));
    }

    @AfterAll
    static void cleanUp() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void definerObjectsMadeDuringTheGrantAreDroppedAndReported() throws Exception {
        GrantRequest request = new GrantRequest(new GrantId(db.idBase + 1), "shop-db", Optional.of("maker"), "U0ALICE",
                Optional.empty(), CLOCK.instant().plus(Duration.ofMinutes(30)), "INC-42: orders stuck, need to look");
        Provisioned p = adapter.grant(request);
        String user = p.credentials().orElseThrow().fields().get("username");
        String d = "`" + db.database + "`";
        try (Connection c = db.login(user, p.credentials().orElseThrow().fields().get("password"));
             Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION " + d + ".peek() RETURNS VARCHAR(40) SQL SECURITY DEFINER READS SQL DATA "
                    + "RETURN (SELECT secret FROM " + d + ".vault LIMIT 1)");
            s.execute("CREATE PROCEDURE " + d + ".dump() SQL SECURITY DEFINER SELECT secret FROM " + d + ".vault");
            s.execute("CREATE SQL SECURITY DEFINER VIEW " + d + ".leak AS SELECT secret FROM " + d + ".vault");
            s.execute("CREATE SQL SECURITY INVOKER VIEW " + d + ".mine AS SELECT a FROM " + d + ".t");
            s.execute("CREATE TRIGGER " + d + ".copy BEFORE INSERT ON " + d + ".t FOR EACH ROW "
                    + "SET NEW.a = NEW.a + 0");
            s.execute("CREATE EVENT " + d + ".later ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM " + d + ".t");
        }
        // Another account, with nothing on the vault: what a DBA would grant on the grant's handy objects.
        String intern = db.createAdmin(List.of("GRANT EXECUTE ON " + d + ".* TO %s",
                "GRANT SELECT, INSERT ON " + d + ".t TO %s", "GRANT SELECT ON " + d + ".leak TO %s"));

        RevokeReport report = adapter.revokeAndReport(p.withoutCredentials());

        Map<String, String> reported = new LinkedHashMap<>();
        report.leftBehind().forEach(l -> reported.put(l.object(), l.outcome()));
        String dropped = "dropped: it would run as its definer, the grant's account (SQL SECURITY DEFINER)";
        assertEquals(Map.of("function " + db.database + ".peek", dropped, "procedure " + db.database + ".dump", dropped,
                "view " + db.database + ".leak", dropped, "trigger " + db.database + ".copy", dropped,
                "event " + db.database + ".later", dropped, "view " + db.database + ".mine",
                "kept: it runs with its caller's privileges (SQL SECURITY INVOKER)"), reported);
        assertEquals(List.of("view mine"), db.strings("SELECT o FROM (SELECT CONCAT('view ', TABLE_NAME) o, DEFINER d "
                + "FROM information_schema.VIEWS UNION ALL SELECT ROUTINE_NAME, DEFINER FROM information_schema.ROUTINES "
                + "UNION ALL SELECT TRIGGER_NAME, DEFINER FROM information_schema.TRIGGERS UNION ALL SELECT EVENT_NAME, "
                + "DEFINER FROM information_schema.EVENTS) x WHERE SUBSTRING_INDEX(d, '@', 1) = ?", user),
                "nothing defined by the account is left but the invoker view");
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));

        // The worst case: an account of the same name exists again, with the rights to the vault.
        db.execute("CREATE USER '" + user + "'@'%' ACCOUNT LOCK");
        try {
            db.execute("GRANT SELECT ON " + d + ".vault TO '" + user + "'@'%'");
            try (Connection c = db.login(intern, MariaDb.ADMIN_PASSWORD); Statement s = c.createStatement()) {
                assertRefused(s, "SELECT " + d + ".peek()");
                assertRefused(s, "CALL " + d + ".dump()");
                assertRefused(s, "SELECT secret FROM " + d + ".leak");
                s.execute("INSERT INTO " + d + ".t VALUES (7)"); // no trigger left to fire
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + d + ".t WHERE a = 7")) {
                    rs.next();
                    assertEquals(1, rs.getInt(1));
                }
            }
        } finally {
            db.execute("DROP USER IF EXISTS '" + user + "'@'%'");
        }
        assertTrue(adapter.revokeAndReport(p.withoutCredentials()).leftBehind().stream()
                .allMatch(l -> l.outcome().startsWith("kept")), "a repeated revoke drops nothing more");
    }

    private static void assertRefused(Statement s, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        // 1305: does not exist; 1146: table (view) does not exist; 1142/1370: denied
        assertTrue(List.of(1305, 1146, 1142, 1370).contains(e.getErrorCode()), sql + ": " + e.getErrorCode() + " "
                + e.getMessage());
    }
}

package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.RevokeReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
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

/**
 * What a per-grant login leaves behind must not outlive its access: a {@code SECURITY DEFINER} function made during
 * the window is, after revoke, owned by the orphan owner (never the admin, a superuser here) and usable by nobody —
 * not PUBLIC, not a role it was granted to, not another low-privileged login — to read what the grant could read or
 * to become a superuser. Against the machine's PostgreSQL (trust authentication), with names of the test's own.
 */
class PostgresLeftoversTest {
    private static SharedPostgres pg;
    private static String schema;
    private static String rw;
    private static String intern;
    private static String orphans;

    @BeforeAll
    static void setUp() {
        pg = SharedPostgres.connect();
        schema = pg.prefix + "app";
        rw = pg.prefix + "rw";
        intern = pg.prefix + "intern";
        orphans = pg.prefix + "orphans";
        pg.sql("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".vault (secret text)",
                "INSERT INTO " + schema + ".vault VALUES ('the-crown-jewels')",
                "REVOKE ALL ON " + schema + ".vault FROM PUBLIC",
                "CREATE ROLE " + rw + " NOLOGIN",
                "GRANT USAGE, CREATE ON SCHEMA " + schema + " TO " + rw,
                "GRANT SELECT ON " + schema + ".vault TO " + rw,
                // Another login on the same server, with nothing but the schema: it must gain nothing.
                "CREATE ROLE " + intern + " LOGIN",
                "GRANT USAGE ON SCHEMA " + schema + " TO " + intern);
    }

    @AfterAll
    static void tearDown() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aSecurityDefinerFunctionMadeDuringTheGrantGivesNobodyAnythingAfterRevoke() throws Exception {
        PostgresAdapter adapter = adapter(Map.of());
        Provisioned p = adapter.grant(request(pg.newGrantId()));
        String login = p.credentials().orElseThrow().fields().get("username");
        long n = p.request().id().value();
        String peek = schema + ".peek_" + n;
        String escalate = schema + ".escalate_" + n;
        String proc = schema + ".promote_" + n;
        try (Connection as = pg.login(login, ""); Statement s = as.createStatement()) {
            s.execute("CREATE FUNCTION " + peek + "() RETURNS text LANGUAGE sql SECURITY DEFINER "
                    + "AS 'SELECT secret FROM " + schema + ".vault'");
            s.execute("CREATE FUNCTION " + escalate + "(who text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER "
                    + "AS $$ BEGIN EXECUTE format('ALTER ROLE %I SUPERUSER', who); END $$");
            s.execute("CREATE PROCEDURE " + proc + "(who text) LANGUAGE plpgsql SECURITY DEFINER "
                    + "AS $$ BEGIN EXECUTE format('ALTER ROLE %I CREATEROLE', who); END $$");
            s.execute("GRANT EXECUTE ON FUNCTION " + peek + "() TO " + intern);
            s.execute("CREATE TABLE " + schema + ".notes_" + n + " (line text)");
        }
        try (Connection c = pg.login(intern, ""); Statement s = c.createStatement()) {
            assertEquals("the-crown-jewels", single(s, "SELECT " + peek + "()"), "the leak works during the grant");
        }

        RevokeReport report = adapter.revokeAndReport(p.withoutCredentials());

        assertFalse(pg.roleExists(login));
        for (String f : List.of(peek + "()", escalate + "(text)", proc + "(text)")) {
            assertEquals(orphans, pg.value("SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE oid = ?::regprocedure",
                    f), f + " is the orphan owner's, not the admin's");
            assertEquals("f", pg.value("SELECT prosecdef FROM pg_proc WHERE oid = ?::regprocedure", f), f);
            assertEquals("[" + orphans + "]", pg.value("SELECT array_agg(DISTINCT pg_get_userbyid(grantee))::text "
                    + "FROM pg_proc, aclexplode(proacl) WHERE oid = ?::regprocedure", f).replace("{", "[")
                    .replace("}", "]"), f + ": EXECUTE for its owner only, not PUBLIC, not a grantee");
        }
        assertEquals(orphans, pg.value("SELECT tableowner FROM pg_tables WHERE schemaname = ? AND tablename = ?",
                schema, "notes_" + n), "other objects are kept, owned by the orphan owner");
        assertEquals("f|f|f|f|f|f|0|0", pg.value("SELECT rolsuper || '|' || rolcanlogin || '|' || rolcreaterole || '|'"
                + " || rolcreatedb || '|' || rolreplication || '|' || rolbypassrls || '|' || (SELECT count(*) FROM "
                + "pg_auth_members WHERE member = r.oid) || '|' || (SELECT count(*) FROM pg_auth_members "
                + "WHERE roleid = r.oid) FROM pg_roles r WHERE rolname = ?", orphans)
                .replace("false", "f").replace("true", "t"), "made NOLOGIN, without privileges, members or memberships");

        try (Connection c = pg.login(intern, ""); Statement s = c.createStatement()) {
            assertDenied(s, "SELECT " + peek + "()");
            assertDenied(s, "SELECT " + escalate + "('" + intern + "')");
            assertDenied(s, "CALL " + proc + "('" + intern + "')");
        }
        assertEquals("f", pg.value("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = ?", intern));
        SQLException noLogin = assertThrows(SQLException.class, () -> pg.login(orphans, "").close(),
                "nobody can log in as the owner");
        assertEquals("28000", noLogin.getSQLState(), noLogin.getMessage());

        // Even granted EXECUTE again by mistake, a function runs as its caller now: nothing to borrow.
        pg.sql("GRANT EXECUTE ON FUNCTION " + peek + "() TO " + intern,
                "GRANT EXECUTE ON FUNCTION " + escalate + "(text) TO " + intern);
        try (Connection c = pg.login(intern, ""); Statement s = c.createStatement()) {
            assertDenied(s, "SELECT " + peek + "()");
            assertDenied(s, "SELECT " + escalate + "('" + intern + "')");
        }
        assertEquals("f", pg.value("SELECT rolsuper FROM pg_roles WHERE rolname = ?", intern));

        Map<String, String> reported = new LinkedHashMap<>();
        report.leftBehind().forEach(l -> reported.put(l.object(), l.outcome()));
        String routine = "owned by " + orphans + ", no longer SECURITY DEFINER, EXECUTE revoked from everyone";
        assertEquals(Map.of("function " + peek + "()", routine, "function " + escalate + "(text)", routine,
                "function " + proc + "(text)", routine, "table " + schema + ".notes_" + n, "owned by " + orphans),
                reported);
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
        assertTrue(adapter.revokeAndReport(p.withoutCredentials()).isEmpty(), "a repeated revoke finds nothing new");
    }

    /**
     * Shared-account mode keeps what the account owns, but a SECURITY DEFINER function made in one window would run as
     * the account — with the mapped role, in every later window — for anyone: revoke disarms it.
     */
    @Test
    void theSharedAccountsDefinerFunctionsAreDisarmedAtRevoke() throws Exception {
        String account = pg.prefix + "oncall";
        pg.sql("CREATE ROLE " + account + " NOLOGIN");
        Map<String, Object> shared = new LinkedHashMap<>();
        shared.put("mode", "shared-account");
        shared.put("account", account);
        PostgresAdapter adapter = adapter(shared);
        Provisioned first = adapter.grant(request(pg.newGrantId()));
        String peek = schema + ".shared_peek";
        try (Connection as = pg.login(account, ""); Statement s = as.createStatement()) {
            s.execute("CREATE FUNCTION " + peek + "() RETURNS text LANGUAGE sql SECURITY DEFINER "
                    + "AS 'SELECT secret FROM " + schema + ".vault'");
        }

        RevokeReport report = adapter.revokeAndReport(first.withoutCredentials());

        assertEquals(List.of(new RevokeReport.LeftBehind("function " + peek + "()", "kept by " + account
                + ", no longer SECURITY DEFINER, EXECUTE revoked from everyone")), report.leftBehind());
        Provisioned second = adapter.grant(request(pg.newGrantId())); // the account holds the mapped role again
        try (Connection c = pg.login(intern, ""); Statement s = c.createStatement()) {
            assertDenied(s, "SELECT " + peek + "()");
        }
        assertEquals(account, pg.value("SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE oid = ?::regprocedure",
                peek + "()"));
        adapter.revoke(second.withoutCredentials());
        pg.sql("DROP FUNCTION " + peek + "()");
    }

    @Test
    void aRevokeWithNothingLeftBehindReportsNothing() throws Exception {
        PostgresAdapter adapter = adapter(Map.of());
        Provisioned p = adapter.grant(request(pg.newGrantId()));

        assertEquals(RevokeReport.NOTHING, adapter.revokeAndReport(p.withoutCredentials()));
        assertFalse(pg.roleExists(p.credentials().orElseThrow().fields().get("username")));
    }

    /**
     * An orphan owner that could log in (or had privileges) would be no safer than the admin: the revoke does not
     * hand it anything. The access still ends; the login's role stays, unable to log in and a member of nothing, so
     * what it owns borrows no rights; check-on-start names the setting.
     */
    @Test
    void anUnsafeOrphanOwnerGetsNothingAndTheLoginKeepsNoRights() throws Exception {
        String unsafe = pg.prefix + "unsafe";
        pg.sql("CREATE ROLE " + unsafe + " LOGIN");
        Map<String, Object> settings = Map.of("orphan-owner", unsafe);
        PostgresAdapter adapter = adapter(settings);
        Provisioned p = adapter.grant(request(pg.newGrantId()));
        String login = p.credentials().orElseThrow().fields().get("username");
        String peek = schema + ".peek_" + p.request().id().value();
        try (Connection as = pg.login(login, ""); Statement s = as.createStatement()) {
            s.execute("CREATE FUNCTION " + peek + "() RETURNS text LANGUAGE sql SECURITY DEFINER "
                    + "AS 'SELECT secret FROM " + schema + ".vault'");
            s.execute("GRANT EXECUTE ON FUNCTION " + peek + "() TO " + intern);
        }

        adapter.revoke(p.withoutCredentials());

        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
        assertEquals(login, pg.value("SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE oid = ?::regprocedure",
                peek + "()"), "not handed to a role that can log in");
        assertEquals("0", pg.value("SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                + "WHERE r.rolname = ?", login));
        try (Connection c = pg.login(intern, ""); Statement s = c.createStatement()) {
            assertDenied(s, "SELECT " + peek + "()");
        }

        Map<String, Object> checked = new LinkedHashMap<>(settings);
        checked.put("check-on-start", true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adapter(checked));
        assertEquals("settings.orphan-owner: the role " + unsafe + " has LOGIN; it must have none (ALTER ROLE \""
                + unsafe + "\" NOLOGIN)", e.getMessage());
    }

    @Test
    void checkOnStartMakesAMissingOrphanOwner() {
        String fresh = pg.prefix + "fresh_orphans";
        assertFalse(pg.roleExists(fresh));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("orphan-owner", fresh);
        settings.put("check-on-start", true);

        adapter(settings);

        assertEquals("f|f", pg.value("SELECT rolcanlogin || '|' || rolsuper FROM pg_roles WHERE rolname = ?", fresh)
                .replace("false", "f"));
        adapter(settings); // an existing safe owner passes
    }

    private static void assertDenied(Statement s, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertEquals("42501", e.getSQLState(), sql + ": " + e.getMessage());
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static GrantRequest request(GrantId id) {
        return new GrantRequest(id, "orders-db", Optional.of("read-write"), "U0ALICE", Optional.empty(),
                Instant.now().plus(Duration.ofMinutes(30)), "INC-42: orders stuck, need to look");
    }

    private static PostgresAdapter adapter(Map<String, Object> overrides) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("url", pg.url);
        s.put("admin-user", pg.user);
        s.put("admin-password", pg.password);
        s.put("roles", Map.of("read-write", rw));
        s.put("orphan-owner", orphans);
        s.put("connect-timeout", "5s");
        s.putAll(overrides);
        return new PostgresAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(Map.of())).create("orders-db", s);
    }
}

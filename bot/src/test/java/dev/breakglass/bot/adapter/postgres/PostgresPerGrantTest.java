package dev.breakglass.bot.adapter.postgres;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Per-grant mode against the machine's PostgreSQL: a role per grant, what it may do, and that revoke takes it all
 * back, live sessions included. Trust authentication here ignores passwords and VALID UNTIL: those are in
 * {@link PostgresPasswordAuthTest}.
 */
class PostgresPerGrantTest {
    private static SharedPostgres pg;
    private static String schema;
    private static String ro;
    private static String rw;

    @BeforeAll
    static void setUp() {
        pg = SharedPostgres.connect();
        schema = pg.prefix + "app";
        ro = pg.prefix + "ro";
        rw = pg.prefix + "rw";
        pg.sql("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".orders (id int PRIMARY KEY, item text)",
                "INSERT INTO " + schema + ".orders VALUES (1, 'widget')",
                "CREATE ROLE " + ro + " NOLOGIN",
                "GRANT USAGE ON SCHEMA " + schema + " TO " + ro,
                "GRANT SELECT ON " + schema + ".orders TO " + ro,
                "CREATE ROLE " + rw + " NOLOGIN",
                "GRANT USAGE, CREATE ON SCHEMA " + schema + " TO " + rw,
                "GRANT SELECT, INSERT ON " + schema + ".orders TO " + rw);
    }

    @AfterAll
    static void tearDown() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aGrantIsALoginThatCanDoWhatTheMappedRoleAllowsAndNoMore() throws Exception {
        GrantRequest request = request(pg.newGrantId(), "read-only", Duration.ofMinutes(30));

        Provisioned p = adapter().grant(request);

        String role = "bg_" + request.id().value() + "_u0alice";
        Map<String, String> c = p.credentials().orElseThrow().fields();
        assertEquals(List.of("host", "port", "database", "username", "password", "valid until", "psql", "jdbc"),
                List.copyOf(c.keySet()));
        assertEquals(role, c.get("username"));
        assertEquals("127.0.0.1", c.get("host"));
        assertEquals("5432", c.get("port"));
        assertEquals("test", c.get("database"));
        assertTrue(c.get("password").matches("[A-Za-z0-9]{32}"), "a real password, not a wiped array");
        assertEquals("psql \"host=127.0.0.1 port=5432 dbname=test user=" + role + "\"", c.get("psql"));
        assertEquals("jdbc:postgresql://127.0.0.1:5432/test?user=" + role, c.get("jdbc"));
        Map<?, ?> handle = new java.util.HashMap<>(JsonMapper.builder().build().readValue(p.handle(), Map.class));
        assertTrue(handle.remove("since") instanceof String, "where activity capture starts: " + p.handle());
        assertEquals(Map.of("role", role, "mode", "per-grant", "granted", ro), handle);
        assertFalse(p.handle().contains(c.get("password")));
        assertFalse(p.credentials().get().toString().contains(c.get("password")));

        try (Connection as = pg.login(role, c.get("password")); Statement s = as.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT item FROM " + schema + ".orders")) {
                assertTrue(rs.next());
                assertEquals("widget", rs.getString(1));
            }
            SQLException refused = assertThrows(SQLException.class,
                    () -> s.execute("INSERT INTO " + schema + ".orders VALUES (2, 'gadget')"));
            assertEquals("42501", refused.getSQLState(), refused.getMessage());
            try (ResultSet rs = s.executeQuery("SHOW log_statement")) {
                rs.next();
                assertEquals("all", rs.getString(1));
            }
        }
        assertEquals("{log_statement=all}", pg.value("SELECT s.setconfig::text FROM pg_db_role_setting s "
                + "JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = ?", role));
        assertEquals(request.expiresAt().truncatedTo(ChronoUnit.MICROS).toString(),
                pg.value("SELECT to_char(rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
                        + "FROM pg_roles WHERE rolname = ?", role).replace(".000000Z", "Z"));
        assertEquals("10", pg.value("SELECT rolconnlimit FROM pg_roles WHERE rolname = ?", role));
        assertEquals("f", pg.value("SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR "
                + "rolbypassrls FROM pg_roles WHERE rolname = ?", role));
        assertTrue(pg.value("SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = ?", role)
                .startsWith("breakglass " + request.id() + " for U0ALICE on orders-db until "));
    }

    @Test
    void revokeEndsLiveSessionsAndTheLoginAndCanBeRepeated() throws Exception {
        GrantRequest request = request(pg.newGrantId(), null, Duration.ofMinutes(30));
        PostgresAdapter adapter = adapter();
        Provisioned p = adapter.grant(request);
        Credentials c = p.credentials().orElseThrow();
        Provisioned stored = p.withoutCredentials();

        try (Connection open = pg.login(c.fields().get("username"), c.fields().get("password"))) {
            assertFalse(adapter.verifyRevoked(stored), "access exists");

            adapter.revoke(stored);

            assertThrows(SQLException.class, () -> open.createStatement().execute("SELECT 1"),
                    "the session opened during the grant was terminated");
        }
        SQLException refused = assertThrows(SQLException.class,
                () -> pg.login(c.fields().get("username"), c.fields().get("password")).close());
        assertEquals("28000", refused.getSQLState(), refused.getMessage());
        assertFalse(pg.roleExists(c.fields().get("username")));
        assertTrue(adapter.verifyRevoked(stored));

        adapter.revoke(stored);
        assertTrue(adapter.verifyRevoked(stored));
    }

    @Test
    void verifySaysNoWhileASessionIsLeftEvenIfTheRoleCannotLogIn() throws Exception {
        PostgresAdapter adapter = adapter();
        Provisioned p = adapter.grant(request(pg.newGrantId(), "read-only", Duration.ofMinutes(30)));
        String role = p.credentials().orElseThrow().fields().get("username");

        try (Connection open = pg.login(role, "")) {
            pg.sql("ALTER ROLE " + role + " NOLOGIN");
            assertFalse(adapter.verifyRevoked(p.withoutCredentials()), "a session is left");
            adapter.revoke(p.withoutCredentials());
            assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
        }
    }

    @Test
    void aSecondGrantForTheSameIdRenewsTheSameRole() throws Exception {
        PostgresAdapter adapter = adapter();
        GrantRequest request = request(pg.newGrantId(), "read-only", Duration.ofMinutes(30));
        Provisioned first = adapter.grant(request);
        String role = first.credentials().orElseThrow().fields().get("username");

        try (Connection open = pg.login(role, "")) {
            Provisioned second = adapter.grant(request);

            assertEquals(first.handle(), second.handle());
            assertEquals(role, second.credentials().orElseThrow().fields().get("username"));
            assertNotEquals(first.credentials().get().fields().get("password"),
                    second.credentials().get().fields().get("password"));
            assertEquals("1", pg.value("SELECT count(*) FROM pg_roles WHERE rolname LIKE ?",
                    "bg\\_" + request.id().value() + "\\_%"));
            open.createStatement().execute("SELECT 1"); // the first attempt's session is the same grant: it stays
        }
        adapter.revoke(first.withoutCredentials());
        assertTrue(adapter.verifyRevoked(first.withoutCredentials()));
    }

    @Test
    void aFailedGrantLeavesNoRoleBehind() {
        GrantRequest request = request(pg.newGrantId(), null, Duration.ofMinutes(30));
        PostgresAdapter adapter = adapter(Map.of("default-role", pg.prefix + "missing"));

        TargetException e = assertThrows(TargetException.class, () -> adapter.grant(request));

        assertEquals("postgres grant " + request.id() + " on orders-db failed: the PostgreSQL role " + pg.prefix
                + "missing to grant does not exist; no role was left behind", e.getMessage());
        assertFalse(pg.roleExists("bg_" + request.id().value() + "_u0alice"));
    }

    @Test
    void aFailedRetryRemovesWhatTheFirstAttemptMade() throws Exception {
        GrantRequest request = request(pg.newGrantId(), null, Duration.ofMinutes(30));
        String role = adapter().grant(request).credentials().orElseThrow().fields().get("username");
        assertTrue(pg.roleExists(role));

        TargetException e = assertThrows(TargetException.class,
                () -> adapter(Map.of("default-role", pg.prefix + "missing")).grant(request));

        assertTrue(e.getMessage().endsWith("; role " + role + " was dropped again"), e.getMessage());
        assertFalse(pg.roleExists(role));
    }

    @Test
    void policyRolesWithoutAMappingAndEndedWindowsAreRefused() {
        GrantRequest unmapped = request(pg.newGrantId(), "admin", Duration.ofMinutes(30));
        TargetException e = assertThrows(TargetException.class, () -> adapter().grant(unmapped));
        assertEquals("postgres grant " + unmapped.id() + " on orders-db failed: the policy role admin has no "
                + "PostgreSQL role in settings.roles (mapped: read-only, read-write)", e.getMessage());

        GrantRequest ended = request(pg.newGrantId(), "read-only", Duration.ofSeconds(-1));
        e = assertThrows(TargetException.class, () -> adapter().grant(ended));
        assertTrue(e.getMessage().contains("the window already ended at "), e.getMessage());

        Map<String, Object> noDefault = new LinkedHashMap<>(settings());
        noDefault.remove("default-role");
        GrantRequest roleless = request(pg.newGrantId(), null, Duration.ofMinutes(30));
        e = assertThrows(TargetException.class, () -> factory().create("orders-db", noDefault).grant(roleless));
        assertTrue(e.getMessage().endsWith("the target has no roles and settings.default-role is not set"),
                e.getMessage());

        for (GrantRequest r : List.of(unmapped, ended, roleless)) {
            assertFalse(pg.roleExists("bg_" + r.id().value() + "_u0alice"));
        }
    }

    @Test
    void revokeWorksFromTheGrantAloneWhenNoHandleWasStored() throws Exception {
        PostgresAdapter adapter = adapter();
        GrantRequest request = request(pg.newGrantId(), "read-only", Duration.ofMinutes(30));
        String role = adapter.grant(request).credentials().orElseThrow().fields().get("username");
        Provisioned bare = new Provisioned(request, "{}", Optional.empty());

        assertFalse(adapter.verifyRevoked(bare));
        adapter.revoke(bare);

        assertFalse(pg.roleExists(role));
        assertTrue(adapter.verifyRevoked(bare));
    }

    @Test
    void aRoleOfTheSameNameThatBreakglassDidNotMakeIsNeverTouched() {
        GrantRequest request = request(pg.newGrantId(), "read-only", Duration.ofMinutes(30));
        String role = "bg_" + request.id().value() + "_u0alice";
        pg.sql("CREATE ROLE " + role + " LOGIN");
        PostgresAdapter adapter = adapter();

        TargetException e = assertThrows(TargetException.class, () -> adapter.grant(request));
        assertTrue(e.getMessage().endsWith("a role " + role + " already exists that Breakglass did not make for "
                + request.id() + "; it was left alone (rename or drop it)"), e.getMessage());

        Provisioned handle = new Provisioned(request, "{\"role\":\"" + role + "\",\"mode\":\"per-grant\"}",
                Optional.empty());
        e = assertThrows(TargetException.class, () -> adapter.revoke(handle));
        assertTrue(e.getMessage().contains("exists but Breakglass did not make it"), e.getMessage());
        assertEquals("t", pg.value("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", role));
        assertNull(pg.value("SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = ?", role));
    }

    @Test
    void objectsMadeDuringTheGrantAreKeptAndTheRoleIsStillDropped() throws Exception {
        PostgresAdapter adapter = adapter();
        Provisioned p = adapter.grant(request(pg.newGrantId(), "read-write", Duration.ofMinutes(30)));
        String role = p.credentials().orElseThrow().fields().get("username");
        try (Connection as = pg.login(role, "")) {
            as.createStatement().execute("CREATE TABLE " + schema + ".fix_" + p.request().id().value() + " (id int)");
        }

        adapter.revoke(p.withoutCredentials());

        assertFalse(pg.roleExists(role));
        assertEquals(pg.prefix + "orphans", pg.value("SELECT tableowner FROM pg_tables WHERE schemaname = ? AND "
                + "tablename = ?", schema, "fix_" + p.request().id().value()), "kept, owned by the orphan owner");
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
    }

    /**
     * The rights docs/adapters-postgres.md asks for — CREATEROLE, pg_signal_backend and SET on log_statement — are
     * enough for the whole loop, objects left by the user included (handed to the orphan owner, which this admin
     * makes); without the SET right the grant fails halfway
     * and leaves nothing.
     */
    @Test
    void aNonSuperuserAdminWithTheDocumentedRightsIsEnough() throws Exception {
        assumeTrue(Integer.parseInt(pg.value("SHOW server_version_num")) >= 150000,
                "GRANT SET ON PARAMETER needs PostgreSQL 15");
        String admin = pg.prefix + "admin";
        pg.sql("CREATE ROLE " + admin + " LOGIN CREATEROLE", "GRANT pg_signal_backend TO " + admin);
        Map<String, Object> asAdmin = Map.of("admin-user", admin);

        GrantRequest early = request(pg.newGrantId(), "read-write", Duration.ofMinutes(30));
        TargetException e = assertThrows(TargetException.class, () -> adapter(asAdmin).grant(early));
        assertTrue(e.getMessage().contains("could not turn on statement logging (log_statement) for role bg_"
                + early.id().value() + "_u0alice: permission denied to set parameter \"log_statement\"; no role "
                + "was left behind"), e.getMessage());
        assertFalse(pg.roleExists("bg_" + early.id().value() + "_u0alice"));
        Map<String, Object> checked = new LinkedHashMap<>(asAdmin);
        checked.put("check-on-start", true);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> adapter(checked));
        assertTrue(refused.getMessage().startsWith("settings.log-statements: " + admin + " may not set "
                + "log_statement; GRANT SET ON PARAMETER log_statement TO " + admin), refused.getMessage());

        pg.sql("GRANT SET ON PARAMETER log_statement TO " + admin);
        PostgresAdapter adapter = adapter(checked);
        Provisioned p = adapter.grant(request(pg.newGrantId(), "read-write", Duration.ofMinutes(30)));
        String role = p.credentials().orElseThrow().fields().get("username");
        String table = schema + ".made_by_" + p.request().id().value();
        try (Connection open = pg.login(role, "")) {
            open.createStatement().execute("CREATE TABLE " + table + " (id int)");

            adapter.revoke(p.withoutCredentials());

            assertThrows(SQLException.class, () -> open.createStatement().execute("SELECT 1"));
        }
        assertFalse(pg.roleExists(role));
        assertEquals(pg.prefix + "orphans", pg.value("SELECT tableowner FROM pg_tables "
                + "WHERE schemaname || '.' || tablename = ?", table), "never the admin's");
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
    }

    @Test
    void checkOnStartNamesTheSettingAtFault() {
        Map<String, Object> ok = new LinkedHashMap<>(settings());
        ok.put("check-on-start", true);
        adapter(ok);

        Map<String, Object> missingRole = new LinkedHashMap<>(ok);
        missingRole.put("roles", Map.of("read-only", pg.prefix + "nope"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adapter(missingRole));
        assertEquals("settings.roles.read-only: the PostgreSQL role " + pg.prefix + "nope does not exist on "
                + "127.0.0.1:5432/test", e.getMessage());

        String weak = pg.prefix + "weak";
        pg.sql("CREATE ROLE " + weak + " LOGIN");
        Map<String, Object> weakAdmin = new LinkedHashMap<>(ok);
        weakAdmin.put("admin-user", weak);
        e = assertThrows(IllegalArgumentException.class, () -> adapter(weakAdmin));
        assertEquals("settings.admin-user: " + weak + " may not create roles; ALTER ROLE " + weak + " CREATEROLE",
                e.getMessage());
    }

    /**
     * The machine's server trusts every local login, so a break-glass login's password and VALID UNTIL hold nobody
     * back: check-on-start finds that out by trying a wrong password, and warns. The probe role is gone afterwards.
     */
    @Test
    void checkOnStartWarnsWhenTheServerDoesNotCheckPasswords() {
        Map<String, Object> checked = new LinkedHashMap<>(settings());
        checked.put("check-on-start", true);
        long probesBefore = Long.parseLong(pg.value("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'bg\\_probe\\_%' "
                + "AND rolcanlogin"));
        try (CapturedLog log = CapturedLog.of(PostgresAdapter.class)) {
            PostgresAdapter adapter = adapter(checked);

            assertEquals(PasswordCheckProbe.Result.NOT_CHECKED, adapter.check());
            List<String> trust = log.warnings().stream().filter(w -> !w.contains("activity capture")).toList();
            assertEquals(2, trust.size(), log.warnings().toString());
            assertEquals("Target orders-db: 127.0.0.1:5432/test let a new login in with a wrong password (trust "
                    + "authentication in pg_hba.conf, from the bot's host): the password and VALID UNTIL of a "
                    + "break-glass login are not enforced there, so its access ends only when the bot revokes it; use "
                    + "scram-sha-256 for the break-glass logins", trust.get(0));
        }
        assertTrue(Long.parseLong(pg.value("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'bg\\_probe\\_%' "
                + "AND rolcanlogin")) <= probesBefore, "no probe login is left behind");
    }

    private static GrantRequest request(GrantId id, String role, Duration left) {
        return new GrantRequest(id, "orders-db", Optional.ofNullable(role), "U0ALICE",
                Optional.of("alice@example.com"), Instant.now().plus(left), "INC-42: orders stuck, need to look");
    }

    private static Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("url", pg.url);
        s.put("admin-user", pg.user);
        s.put("admin-password", pg.password);
        s.put("roles", Map.of("read-only", ro, "read-write", rw));
        s.put("default-role", ro);
        s.put("connect-timeout", "5s");
        s.put("orphan-owner", pg.prefix + "orphans");
        return s;
    }

    private static PostgresAdapterFactory factory() {
        return new PostgresAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(Map.of()));
    }

    private static PostgresAdapter adapter() {
        return adapter(Map.of());
    }

    private static PostgresAdapter adapter(Map<String, Object> overrides) {
        Map<String, Object> s = settings();
        s.putAll(overrides);
        return factory().create("orders-db", s);
    }
}

package dev.breakglass.bot.adapter.postgres;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared-account mode against the machine's PostgreSQL: one dedicated NOLOGIN account, enabled for one grant at a
 * time. Trust authentication here ignores passwords and VALID UNTIL: those are in {@link PostgresPasswordAuthTest}.
 */
class PostgresSharedAccountTest {
    private static SharedPostgres pg;
    private static String schema;
    private static String ro;
    private static String rw;
    private String account;

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
                "GRANT USAGE ON SCHEMA " + schema + " TO " + rw,
                "GRANT SELECT, INSERT ON " + schema + ".orders TO " + rw);
    }

    @AfterAll
    static void tearDown() {
        if (pg != null) {
            pg.close();
        }
    }

    /** A fresh account per test, as an operator would make it: NOLOGIN, no password. */
    @BeforeEach
    void newAccount() {
        account = pg.prefix + "oncall_" + Long.toHexString(System.nanoTime());
        pg.sql("CREATE ROLE " + account + " NOLOGIN");
    }

    @AfterEach
    void dropAccount() {
        pg.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + account + "'");
    }

    @Test
    void aGrantEnablesTheAccountWithTheMappedRoleAndNoMore() throws Exception {
        GrantRequest request = request(pg.newGrantId(), "read-only", Duration.ofMinutes(30));

        Provisioned p = adapter().grant(request);

        Map<String, String> c = p.credentials().orElseThrow().fields();
        assertEquals(account, c.get("username"));
        assertTrue(c.get("password").matches("[A-Za-z0-9]{32}"));
        assertEquals("jdbc:postgresql://127.0.0.1:5432/test?user=" + account, c.get("jdbc"));
        Map<?, ?> handle = JsonMapper.builder().build().readValue(p.handle(), Map.class);
        assertEquals(java.util.Set.of("role", "mode", "granted", "since"), handle.keySet());
        assertEquals(Map.of("role", account, "mode", "shared-account", "granted", ro),
                Map.of("role", handle.get("role"), "mode", handle.get("mode"), "granted", handle.get("granted")));
        Instant since = Instant.parse((String) handle.get("since"));
        assertTrue(Duration.between(since, Instant.now()).abs().toSeconds() < 60, "since is the grant's time: " + since);
        try (Connection as = pg.login(account, c.get("password")); Statement s = as.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".orders")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            SQLException refused = assertThrows(SQLException.class,
                    () -> s.execute("INSERT INTO " + schema + ".orders VALUES (2, 'gadget')"));
            assertEquals("42501", refused.getSQLState());
            try (ResultSet rs = s.executeQuery("SHOW log_statement")) {
                rs.next();
                assertEquals("all", rs.getString(1));
            }
        }
        assertEquals("t", pg.value("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", account));
        assertEquals(List.of(ro), memberships());
        assertTrue(comment().startsWith("breakglass " + request.id() + " for U0ALICE on orders-db until "), comment());
    }

    @Test
    void revokeDisablesTheAccountEndsItsSessionsAndCanBeRepeated() throws Exception {
        PostgresAdapter adapter = adapter();
        Provisioned p = adapter.grant(request(pg.newGrantId(), "read-only", Duration.ofMinutes(30)))
                .withoutCredentials();
        String passwordHash = rolpassword();

        try (Connection open = pg.login(account, "")) {
            assertFalse(adapter.verifyRevoked(p));

            adapter.revoke(p);

            assertThrows(SQLException.class, () -> open.createStatement().execute("SELECT 1"));
        }
        SQLException refused = assertThrows(SQLException.class, () -> pg.login(account, "").close());
        assertEquals("28000", refused.getSQLState(), refused.getMessage()); // not permitted to log in
        assertTrue(adapter.verifyRevoked(p));
        assertEquals(List.of(), memberships());
        assertNotEquals(passwordHash, rolpassword(), "a password nobody knows");
        assertTrue(comment().startsWith("breakglass idle since " + p.request().id() + " ended at "), comment());

        adapter.revoke(p);
        assertTrue(adapter.verifyRevoked(p));
        String afterRevoke = rolpassword();
        adapter.rotate();
        assertNotEquals(afterRevoke, rolpassword());
        assertEquals("f", pg.value("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", account));
    }

    @Test
    void aSecondGrantForTheSameIdSetsANewPasswordAndKeepsItsSessions() throws Exception {
        PostgresAdapter adapter = adapter();
        GrantRequest request = request(pg.newGrantId(), "read-only", Duration.ofMinutes(30));
        Provisioned first = adapter.grant(request);

        try (Connection open = pg.login(account, "")) {
            String hash = rolpassword();
            Provisioned second = adapter.grant(request);

            Map<?, ?> before = new java.util.HashMap<>(JsonMapper.builder().build().readValue(first.handle(), Map.class));
            Map<?, ?> after = new java.util.HashMap<>(JsonMapper.builder().build().readValue(second.handle(), Map.class));
            Instant sessionStart = Instant.parse(pg.value("SELECT to_char(min(backend_start) AT TIME ZONE 'UTC', "
                    + "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM pg_stat_activity WHERE usename = ?", account));
            assertTrue(!Instant.parse((String) after.remove("since")).isAfter(sessionStart),
                    "the open session is the retried grant's: " + second.handle());
            before.remove("since");
            assertEquals(before, after);
            assertNotEquals(first.credentials().orElseThrow().fields().get("password"),
                    second.credentials().orElseThrow().fields().get("password"));
            assertNotEquals(hash, rolpassword());
            open.createStatement().execute("SELECT 1");
        }
    }

    @Test
    void anotherGrantIsRefusedWhileTheAccountIsHeld() throws Exception {
        PostgresAdapter adapter = adapter();
        Provisioned first = adapter.grant(request(pg.newGrantId(), "read-only", Duration.ofMinutes(30)));
        GrantRequest second = request(pg.newGrantId(), "read-only", Duration.ofMinutes(10));

        try (Connection open = pg.login(account, "")) {
            TargetException e = assertThrows(TargetException.class, () -> adapter.grant(second));

            assertTrue(e.getMessage().startsWith("postgres grant " + second.id() + " on orders-db failed: the shared "
                    + "account " + account + " is in use by " + first.request().id() + " until "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; it serves one grant at a time; the shared account " + account
                    + " was left as it was"), e.getMessage());
            open.createStatement().execute("SELECT 1");
            assertTrue(comment().startsWith("breakglass " + first.request().id() + " "), comment());
        }
        adapter.revoke(first.withoutCredentials());
        Provisioned p = adapter.grant(second);
        assertTrue(comment().startsWith("breakglass " + second.id() + " "), comment());
        adapter.revoke(p.withoutCredentials());
    }

    /**
     * A holder whose window passed without a revoke (the bot was down) does not block the next grant: it takes the
     * account over and ends the old sessions, and the late revoke of the old grant leaves the new holder alone.
     */
    @Test
    void aGrantTakesOverFromAHolderWhoseWindowPassedUnrevoked() throws Exception {
        Instant now = Instant.now();
        // The bot's clock an hour behind lets it make a grant whose VALID UNTIL is already past on the server.
        PostgresAdapter behind = factory(Clock.fixed(now.minus(Duration.ofHours(1)), ZoneOffset.UTC))
                .create("orders-db", settings());
        Provisioned old = behind.grant(new GrantRequest(pg.newGrantId(), "orders-db", Optional.of("read-only"),
                "U0BOB", Optional.empty(), now.minus(Duration.ofMinutes(1)), "INC-41: earlier incident"))
                .withoutCredentials();
        PostgresAdapter adapter = adapter();

        Provisioned next;
        try (Connection lingering = pg.login(account, "")) {
            next = adapter.grant(request(pg.newGrantId(), "read-only", Duration.ofMinutes(30))).withoutCredentials();

            assertThrows(SQLException.class, () -> lingering.createStatement().execute("SELECT 1"),
                    "the old holder's session does not live on under the new grant");
        }
        assertTrue(adapter.verifyRevoked(old));
        adapter.revoke(old);
        assertEquals("t", pg.value("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", account));
        assertTrue(comment().startsWith("breakglass " + next.request().id() + " "), comment());
        assertTrue(adapter.verifyRevoked(old));
        assertFalse(adapter.verifyRevoked(next));

        adapter.revoke(next);
        assertTrue(adapter.verifyRevoked(next));
    }

    @Test
    void theAccountHoldsExactlyTheMappedRole() throws Exception {
        pg.sql("GRANT " + rw + " TO " + account);
        PostgresAdapter adapter = adapter();

        Provisioned p = adapter.grant(request(pg.newGrantId(), "read-only", Duration.ofMinutes(30)));
        assertEquals(List.of(ro), memberships());

        adapter.revoke(p.withoutCredentials());
        assertEquals(List.of(), memberships());
    }

    @Test
    void withoutRolesTheAccountKeepsItsOwnPrivileges() throws Exception {
        Map<String, Object> plain = settings();
        plain.remove("roles");
        plain.remove("default-role");
        pg.sql("GRANT USAGE ON SCHEMA " + schema + " TO " + account, "GRANT SELECT ON " + schema + ".orders TO "
                + account);
        PostgresAdapter adapter = factory(Clock.systemUTC()).create("orders-db", plain);

        Provisioned p = adapter.grant(request(pg.newGrantId(), null, Duration.ofMinutes(30)));

        Map<?, ?> handle = new java.util.HashMap<>(JsonMapper.builder().build().readValue(p.handle(), Map.class));
        assertTrue(handle.remove("since") instanceof String, p.handle());
        assertEquals(Map.of("role", account, "mode", "shared-account"), handle);
        try (Connection as = pg.login(account, "")) {
            as.createStatement().execute("SELECT * FROM " + schema + ".orders");
        }
        adapter.revoke(p.withoutCredentials());
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
        GrantRequest unmapped = request(pg.newGrantId(), "admin", Duration.ofMinutes(30));
        assertTrue(assertThrows(TargetException.class, () -> adapter.grant(unmapped)).getMessage()
                .endsWith("the policy role admin has no PostgreSQL role in settings.roles"));
    }

    @Test
    void aFailedGrantLeavesTheAccountAsItWas() {
        Map<String, Object> broken = settings();
        broken.put("default-role", pg.prefix + "missing");
        GrantRequest request = request(pg.newGrantId(), null, Duration.ofMinutes(30));

        TargetException e = assertThrows(TargetException.class,
                () -> factory(Clock.systemUTC()).create("orders-db", broken).grant(request));

        assertEquals("postgres grant " + request.id() + " on orders-db failed: the PostgreSQL role " + pg.prefix
                + "missing to grant does not exist; the shared account " + account + " was left as it was",
                e.getMessage());
        assertEquals("f", pg.value("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", account));
        assertEquals(null, pg.value("SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = ?",
                account));
    }

    @Test
    void aFailedRetryDisablesTheAccountAgain() throws Exception {
        GrantRequest request = request(pg.newGrantId(), null, Duration.ofMinutes(30));
        adapter().grant(request);
        Map<String, Object> broken = settings();
        broken.put("default-role", pg.prefix + "missing");

        TargetException e = assertThrows(TargetException.class,
                () -> factory(Clock.systemUTC()).create("orders-db", broken).grant(request));

        assertTrue(e.getMessage().endsWith("; the shared account " + account + " was disabled again"),
                e.getMessage());
        assertEquals("f", pg.value("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", account));
    }

    @Test
    void rotateLeavesAHeldAccountAlone() throws Exception {
        PostgresAdapter adapter = adapter();
        Provisioned p = adapter.grant(request(pg.newGrantId(), "read-only", Duration.ofMinutes(30)));
        String hash = rolpassword();

        adapter.rotate();

        assertEquals(hash, rolpassword());
        adapter.revoke(p.withoutCredentials());
    }

    @Test
    void aMissingAccountIsNamed() {
        Map<String, Object> s = settings();
        s.put("account", pg.prefix + "nobody");
        PostgresAdapter adapter = factory(Clock.systemUTC()).create("orders-db", s);
        GrantRequest request = request(pg.newGrantId(), "read-only", Duration.ofMinutes(30));

        TargetException e = assertThrows(TargetException.class, () -> adapter.grant(request));

        assertTrue(e.getMessage().contains("the shared account " + pg.prefix + "nobody does not exist; create it "
                + "with CREATE ROLE " + pg.prefix + "nobody NOLOGIN"), e.getMessage());
        s.put("check-on-start", true);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> factory(Clock.systemUTC())
                .create("orders-db", s)).getMessage().startsWith("settings.account: the shared account "));
    }

    private List<String> memberships() {
        String list = pg.value("SELECT string_agg(r.rolname, ',' ORDER BY r.rolname) FROM pg_auth_members m "
                + "JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ?",
                account);
        return list == null ? List.of() : List.of(list.split(","));
    }

    private String comment() {
        return pg.value("SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = ?", account);
    }

    private String rolpassword() {
        return pg.value("SELECT rolpassword FROM pg_authid WHERE rolname = ?", account);
    }

    private static GrantRequest request(GrantId id, String role, Duration left) {
        return new GrantRequest(id, "orders-db", Optional.ofNullable(role), "U0ALICE", Optional.empty(),
                Instant.now().plus(left), "INC-42: orders stuck, need to look");
    }

    private Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("url", pg.url);
        s.put("admin-user", pg.user);
        s.put("admin-password", pg.password);
        s.put("mode", "shared-account");
        s.put("account", account);
        s.put("roles", Map.of("read-only", ro, "read-write", rw));
        s.put("default-role", ro);
        return s;
    }

    private static PostgresAdapterFactory factory(Clock clock) {
        return new PostgresAdapterFactory(clock, EnvironmentVariables.of(Map.of()));
    }

    private PostgresAdapter adapter() {
        return factory(Clock.systemUTC()).create("orders-db", settings());
    }
}

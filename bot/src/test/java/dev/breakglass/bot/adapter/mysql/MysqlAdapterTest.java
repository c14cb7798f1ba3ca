package dev.breakglass.bot.adapter.mysql;

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
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter against a real MariaDB: what the requester can do with the credentials, and that revoke really ends
 * it. Skipped with the reason when MariaDB is not reachable (failed in CI, see {@link MariaDb}).
 */
class MysqlAdapterTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final String SLACK_ID = "U0ALICE";

    private static MariaDb db;
    private static MysqlAdapter adapter;
    /** Passwords the adapter hands out, in order; recorded so tests can look for them in messages. */
    private static final Deque<String> issued = new ArrayDeque<>();
    private static final AtomicLong next = new AtomicLong();

    @BeforeAll
    static void server() {
        db = MariaDb.scratch();
        adapter = adapter(Map.of());
    }

    @AfterAll
    static void cleanUp() {
        if (db != null) {
            db.close();
        }
    }

    static MysqlAdapter adapter(Map<String, Object> more) {
        Map<String, Object> roles = Map.of(
                "read-only", List.of("SELECT ON " + db.database + ".*"),
                "writer", List.of("SELECT, INSERT ON " + db.database + ".*"),
                "broken", List.of("SELECT ON " + db.database + ".*", "SELECT ON " + db.database + ".no_such_table"));
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("roles", roles,
                "default-grants", List.of("SELECT ON " + db.database + ".t")));
        settings.putAll(more);
        MysqlAdapterFactory factory = new MysqlAdapterFactory(CLOCK, EnvironmentVariables.of(Map.of()), () -> {
            String p = new Passwords().get();
            synchronized (issued) {
                issued.push(p);
            }
            return p;
        });
        return factory.create("shop-db", db.settings(settings));
    }

    private static GrantRequest request(String role) {
        return request(Optional.ofNullable(role), SLACK_ID);
    }

    private static GrantRequest request(Optional<String> role, String slackId) {
        return new GrantRequest(new GrantId(db.idBase + next.incrementAndGet()), "shop-db", role, slackId,
                Optional.of("alice@example.com"), CLOCK.instant().plus(Duration.ofMinutes(30)),
                "INC-42: orders stuck, need to look at the queue");
    }

    private static String user(Provisioned p) {
        return p.credentials().orElseThrow().fields().get("username");
    }

    private static String password(Provisioned p) {
        return p.credentials().orElseThrow().fields().get("password");
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void theIssuedCredentialsRunAllowedQueriesAndNothingElse() throws Exception {
        GrantRequest request = request("read-only");
        Provisioned p = adapter.grant(request);

        String user = "bg_" + request.id().value() + "_u0alice";
        assertEquals("{\"user\":\"" + user + "\",\"host\":\"%\"}", p.handle());
        Credentials credentials = p.credentials().orElseThrow();
        assertEquals(List.of("host", "port", "database", "username", "password", "connection"),
                List.copyOf(credentials.fields().keySet()));
        assertEquals(MariaDb.HOST, credentials.fields().get("host"));
        assertEquals(Integer.toString(MariaDb.PORT), credentials.fields().get("port"));
        assertEquals(db.database, credentials.fields().get("database"));
        assertEquals(user, credentials.fields().get("username"));
        assertEquals("mysql://" + user + "@" + MariaDb.HOST + ":" + MariaDb.PORT + "/" + db.database,
                credentials.fields().get("connection"));
        assertFalse(credentials.fields().get("connection").contains(password(p)));
        assertEquals(Optional.of("10"), db.maxUserConnections(user));

        try (Connection c = db.login(user, password(p))) {
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t"));
            SQLException insert = assertThrows(SQLException.class, () -> execute(c, "INSERT INTO t VALUES (2)"));
            assertEquals(1142, insert.getErrorCode(), insert.getMessage());
            SQLException users = assertThrows(SQLException.class, () -> count(c, "SELECT COUNT(*) FROM mysql.user"));
            assertEquals(1142, users.getErrorCode(), users.getMessage());
        }
        adapter.revoke(p.withoutCredentials());
    }

    @Test
    void eachRoleGetsItsOwnPrivileges() throws Exception {
        Provisioned p = adapter.grant(request("writer"));
        try (Connection c = db.login(user(p), password(p))) {
            execute(c, "INSERT INTO t VALUES (2)");
            SQLException delete = assertThrows(SQLException.class, () -> execute(c, "DELETE FROM t WHERE a = 2"));
            assertEquals(1142, delete.getErrorCode(), delete.getMessage());
        } finally {
            db.execute("DELETE FROM `" + db.database + "`.t WHERE a = 2");
            adapter.revoke(p.withoutCredentials());
        }
    }

    @Test
    void withoutARoleTheDefaultGrantsApply() throws Exception {
        Provisioned p = adapter.grant(request(null));
        try (Connection c = db.login(user(p), password(p))) {
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t"));
        }
        adapter.revoke(p.withoutCredentials());
    }

    @Test
    void anUnderscoreInTheDatabaseNameIsNotAWildcard() throws Exception {
        String lookalike = db.database.replace("_", "X");
        db.createDatabase(lookalike);
        Provisioned p = adapter.grant(request("read-only"));
        try (Connection c = db.login(user(p), password(p))) {
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t"));
            SQLException other = assertThrows(SQLException.class,
                    () -> count(c, "SELECT COUNT(*) FROM `" + lookalike + "`.t"));
            assertEquals(1142, other.getErrorCode(), other.getMessage());
        }
        adapter.revoke(p.withoutCredentials());
    }

    @Test
    void revokeEndsOpenSessionsAndLoginThenFails() throws Exception {
        Provisioned p = adapter.grant(request("read-only"));
        String user = user(p);
        String password = password(p);
        Connection idle = db.login(user, password);
        Connection busy = db.login(user, password);
        assertEquals(1, count(idle, "SELECT 1"));
        CompletableFuture<Integer> sleeping = CompletableFuture.supplyAsync(() -> {
            try {
                return count(busy, "SELECT SLEEP(60)");
            } catch (SQLException e) {
                return -1;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (db.sessions(user).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(adapter.verifyRevoked(p.withoutCredentials()), "the account is still there");

        long started = System.nanoTime();
        adapter.revoke(p.withoutCredentials());

        try (idle; busy) {
            assertThrows(SQLException.class, () -> count(idle, "SELECT 1"), "the idle session was killed");
            int slept = sleeping.get(10, TimeUnit.SECONDS);
            assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) < 20, "the busy query was ended");
            assertTrue(slept != 0, "SLEEP was interrupted, not completed");
            assertThrows(SQLException.class, () -> count(busy, "SELECT 1"), "the busy session was killed");
        }
        SQLException login = assertThrows(SQLException.class, () -> db.login(user, password).close());
        assertTrue(login.getMessage().contains("Access denied"), login.getMessage());
        assertEquals(List.of(), db.hosts(user));
        assertEquals(List.of(), db.sessions(user));
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
    }

    @Test
    void revokeIsIdempotentAndWorksWithoutAHandle() throws Exception {
        Provisioned p = adapter.grant(request("read-only"));
        Provisioned lost = new Provisioned(p.request(), "{}", Optional.empty());

        adapter.revoke(lost);
        assertTrue(adapter.verifyRevoked(lost));
        adapter.revoke(p.withoutCredentials());
        adapter.revoke(p.withoutCredentials());
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
        assertEquals(List.of(), db.hosts(user(p)));
    }

    @Test
    void revokingAGrantThatWasNeverMadeSucceeds() throws Exception {
        Provisioned never = new Provisioned(request("read-only"), "{}", Optional.empty());

        adapter.revoke(never);
        assertTrue(adapter.verifyRevoked(never));
    }

    @Test
    void aSecondGrantForTheSameIdResetsThePasswordAndKeepsOneAccount() throws Exception {
        GrantRequest request = request("read-only");
        Provisioned first = adapter.grant(request);
        Provisioned second = adapter.grant(request);

        assertEquals(first.handle(), second.handle());
        assertEquals(user(first), user(second));
        assertFalse(password(first).equals(password(second)));
        assertEquals(List.of("%"), db.hosts(user(second)));
        assertThrows(SQLException.class, () -> db.login(user(first), password(first)).close());
        try (Connection c = db.login(user(second), password(second))) {
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t"));
        }
        adapter.revoke(second.withoutCredentials());
        assertTrue(adapter.verifyRevoked(second.withoutCredentials()));
    }

    @Test
    void aSecondGrantAfterAHalfDoneRevokeWorksAgain() throws Exception {
        GrantRequest request = request("read-only");
        Provisioned first = adapter.grant(request);
        db.execute("ALTER USER '" + user(first) + "'@'%' ACCOUNT LOCK");

        Provisioned second = adapter.grant(request);
        try (Connection c = db.login(user(second), password(second))) {
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t"));
        }
        adapter.revoke(second.withoutCredentials());
    }

    @Test
    void aFailingGrantLeavesNoAccountAndNoPasswordInTheMessage() {
        GrantRequest request = request("broken");
        String user = "bg_" + request.id().value() + "_u0alice";

        TargetException e = assertThrows(TargetException.class, () -> adapter.grant(request));

        String password;
        synchronized (issued) {
            password = issued.peek();
        }
        assertTrue(e.getMessage().startsWith("mysql grant " + request.id() + " on shop-db failed: GRANT SELECT ON "
                + db.database + ".no_such_table was refused: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; the account " + user + " was removed again"), e.getMessage());
        assertFalse(e.getMessage().contains(password), e.getMessage());
        assertFalse(String.valueOf(e.getCause()).contains(password));
        assertEquals(List.of(), db.hosts(user));
    }

    @Test
    void aRoleWithoutGrantsFailsBeforeTouchingTheServer() {
        GrantRequest request = request("ops");

        TargetException e = assertThrows(TargetException.class, () -> adapter.grant(request));

        assertTrue(e.getMessage().startsWith("mysql grant " + request.id() + " on shop-db failed: the role ops has "
                + "no grants in settings.roles (it has "), e.getMessage());
        for (String role : List.of("read-only", "writer", "broken")) {
            assertTrue(e.getMessage().contains(role), e.getMessage());
        }
        assertEquals(List.of(), db.hosts("bg_" + request.id().value() + "_u0alice"));
    }

    @Test
    void aRoleOnATargetWithOnlyDefaultGrantsSaysSo() {
        MysqlAdapter defaultsOnly = new MysqlAdapterFactory(CLOCK, EnvironmentVariables.of(Map.of()))
                .create("shop-db", db.settings(Map.of("default-grants", List.of("SELECT ON " + db.database + ".*"))));
        GrantRequest request = request("admin");

        TargetException e = assertThrows(TargetException.class, () -> defaultsOnly.grant(request));

        assertEquals("mysql grant " + request.id() + " on shop-db failed: the role admin has no grants: "
                + "settings.roles is not set (default-grants serve requests without a role)", e.getMessage());
    }

    @Test
    void aWindowThatAlreadyEndedIsNotGranted() {
        GrantRequest past = new GrantRequest(new GrantId(db.idBase + next.incrementAndGet()), "shop-db",
                Optional.of("read-only"), SLACK_ID, Optional.empty(), Instant.parse("2020-01-01T00:00:00Z"), "INC-1 x");
        MysqlAdapter late = new MysqlAdapterFactory(Clock.fixed(Instant.parse("2020-01-01T00:00:01Z"), ZoneOffset.UTC),
                EnvironmentVariables.of(Map.of())).create("shop-db", db.settings(Map.of("default-grants",
                List.of("SELECT ON " + db.database + ".*"))));

        TargetException e = assertThrows(TargetException.class, () -> late.grant(past));
        assertTrue(e.getMessage().contains("the access window already ended"), e.getMessage());
    }

    @Test
    void longSlackIdsFitMysqlsLimitAndStillLogIn() throws Exception {
        GrantRequest request = request(Optional.of("read-only"), "W0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        Provisioned p = adapter.grant(request);

        String user = user(p);
        assertEquals(32, user.length(), user);
        assertTrue(user.startsWith("bg_" + request.id().value() + "_w0123"), user);
        try (Connection c = db.login(user, password(p))) {
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t"));
        }
        adapter.revoke(p.withoutCredentials());
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
    }

    @Test
    void maxConnectionsIsEnforcedByTheServer() throws Exception {
        MysqlAdapter two = adapter(Map.of("max-connections", 2));
        Provisioned p = two.grant(request("read-only"));
        try (Connection a = db.login(user(p), password(p)); Connection b = db.login(user(p), password(p))) {
            SQLException third = assertThrows(SQLException.class, () -> db.login(user(p), password(p)).close());
            assertEquals(1226, third.getErrorCode(), third.getMessage());
        }
        two.revoke(p.withoutCredentials());
    }

    @Test
    void aHandleOfAnotherGrantIsRefused() throws Exception {
        Provisioned other = new Provisioned(request("read-only"), "{\"user\":\"bg_1_u0bob\",\"host\":\"%\"}",
                Optional.empty());
        Provisioned injected = new Provisioned(other.request(), "{\"user\":\"" + MysqlAccount.of(other.request().id(),
                SLACK_ID, "%").user() + "\",\"host\":\"%' OR 1=1 --\"}", Optional.empty());

        TargetException e = assertThrows(TargetException.class, () -> adapter.revoke(other));
        assertTrue(e.getMessage().endsWith("the stored handle names the account of another grant"), e.getMessage());
        TargetException bad = assertThrows(TargetException.class, () -> adapter.verifyRevoked(injected));
        assertTrue(bad.getMessage().contains("names an account Breakglass does not make"), bad.getMessage());
        assertThrows(TargetException.class, () -> adapter.revoke(new Provisioned(other.request(), "not json",
                Optional.empty())));
    }

    @Test
    void aWrongAdminPasswordFailsWithoutShowingIt() {
        String secret = "Wrong-Admin-Password-42";
        MysqlAdapter wrong = new MysqlAdapterFactory(CLOCK, EnvironmentVariables.of(Map.of("DB_ADMIN_PW", secret)))
                .create("shop-db", db.settings(Map.of("admin-password", "${DB_ADMIN_PW}",
                        "default-grants", List.of("SELECT ON " + db.database + ".*"))));
        GrantRequest request = request(null);

        TargetException e = assertThrows(TargetException.class, () -> wrong.grant(request));

        assertTrue(e.getMessage().startsWith("mysql grant " + request.id() + " on shop-db failed: could not connect to "
                + MariaDb.HOST + ":" + MariaDb.PORT + " as " + MariaDb.USER + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("Access denied"), e.getMessage());
        assertFalse(e.getMessage().contains(secret), e.getMessage());
        assertFalse(wrong.toString().contains(secret));
        assertFalse(wrong.settings().toString().contains(secret));
        assertThrows(TargetException.class, () -> wrong.revoke(new Provisioned(request, "{}", Optional.empty())));
        assertEquals(List.of(), db.hosts("bg_" + request.id().value() + "_u0alice"));
    }

    @Test
    void noPasswordReachesAnyLogLine() throws Exception {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        root.addAppender(logs);
        List<String> passwords = new java.util.ArrayList<>();
        try {
            GrantRequest request = request("read-only");
            Provisioned p = adapter.grant(request);
            passwords.add(password(p));
            passwords.add(password(adapter.grant(request)));
            assertThrows(TargetException.class, () -> adapter.grant(request("broken")));
            synchronized (issued) {
                passwords.add(issued.peek());
            }
            try (Connection c = db.login(user(p), passwords.get(1))) {
                adapter.revoke(p.withoutCredentials());
            }
            assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
        } finally {
            root.detachAppender(logs);
        }
        assertTrue(logs.list.size() >= 4, "the adapter logs its steps: " + logs.list.size());
        for (var event : logs.list) {
            String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : event.getThrowableProxy().getMessage());
            for (String password : passwords) {
                assertFalse(line.contains(password), line);
            }
        }
    }

    @Test
    void credentialsNeverShowInToString() throws Exception {
        Provisioned p = adapter.grant(request("read-only"));
        try {
            assertFalse(p.toString().contains(password(p)), p.toString());
            assertFalse(p.credentials().orElseThrow().toString().contains(password(p)));
            assertFalse(adapter.toString().contains(password(p)));
        } finally {
            adapter.revoke(p.withoutCredentials());
        }
    }
}

package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both modes on a throwaway cluster with scram-sha-256 authentication, where passwords and {@code VALID UNTIL} are
 * enforced (the machine's shared server trusts every local login): the issued password logs in and a wrong one
 * does not, access ends at VALID UNTIL with no revoke at all, and no password ever reaches the server log.
 */
class PostgresPasswordAuthTest {
    private static final AtomicLong IDS = new AtomicLong(1);
    private static ThrowawayCluster cluster;
    private static final List<String> issued = new ArrayList<>();

    @BeforeAll
    static void start() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        cluster = ThrowawayCluster.start(HexFormat.of().formatHex(random));
        cluster.sql("CREATE TABLE orders (id int PRIMARY KEY, item text)",
                "INSERT INTO orders VALUES (1, 'widget')",
                "CREATE ROLE app_ro NOLOGIN",
                "GRANT SELECT ON orders TO app_ro");
        // One grant and revoke first, so the 2-second window below measures the server, not class loading.
        try {
            PostgresAdapter adapter = adapter(perGrant());
            adapter.revoke(adapter.grant(request(Duration.ofMinutes(1))).withoutCredentials());
        } catch (TargetException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void perGrantTheIssuedPasswordLogsInAndNothingElseDoes() throws Exception {
        PostgresAdapter adapter = adapter(perGrant());
        GrantRequest request = request(Duration.ofMinutes(30));
        Provisioned first = adapter.grant(request);
        String user = first.credentials().orElseThrow().fields().get("username");
        String password = password(first);

        try (Connection c = cluster.login(user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT item FROM orders")) {
            assertTrue(rs.next());
        }
        assertRefused(user, "wrong-" + password);

        Provisioned second = adapter.grant(request);
        assertRefused(user, password);
        cluster.login(user, password(second)).close();

        adapter.revoke(second.withoutCredentials());
        assertRefused(user, password(second));
        assertTrue(adapter.verifyRevoked(second.withoutCredentials()));
    }

    @Test
    void sharedAccountTheIssuedPasswordLogsInUntilRevokeAndRotate() throws Exception {
        cluster.sql("CREATE ROLE oncall NOLOGIN");
        PostgresAdapter adapter = adapter(shared("oncall"));
        Provisioned p = adapter.grant(request(Duration.ofMinutes(30)));
        String password = password(p);

        try (Connection c = cluster.login("oncall", password)) {
            c.createStatement().execute("SELECT item FROM orders");
        }
        assertRefused("oncall", "wrong-" + password);

        adapter.revoke(p.withoutCredentials());
        assertRefused("oncall", password);
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
        adapter.rotate();
        cluster.sql("ALTER ROLE oncall LOGIN"); // even if someone enables it by hand, the old password is void
        assertRefused("oncall", password);
        cluster.sql("ALTER ROLE oncall NOLOGIN");
    }

    /**
     * The acceptance line: after VALID UNTIL passes, login fails even though the bot never revoked. Sessions opened
     * before it live on (PostgreSQL checks VALID UNTIL only at login), which is why revoke terminates them.
     */
    @Test
    void accessEndsAtValidUntilWithoutTheBotInBothModes() throws Exception {
        cluster.sql("CREATE ROLE standby NOLOGIN");
        PostgresAdapter perGrant = adapter(perGrant());
        PostgresAdapter shared = adapter(shared("standby"));
        Provisioned own = perGrant.grant(request(Duration.ofSeconds(2)));
        Provisioned account = shared.grant(request(Duration.ofSeconds(2)));
        String user = own.credentials().orElseThrow().fields().get("username");

        try (Connection before1 = cluster.login(user, password(own));
             Connection before2 = cluster.login("standby", password(account))) {
            Instant end = own.request().expiresAt().isAfter(account.request().expiresAt())
                    ? own.request().expiresAt() : account.request().expiresAt();
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), end).toMillis()) + 300);

            assertRefused(user, password(own));
            assertRefused("standby", password(account));
            before1.createStatement().execute("SELECT 1");
            before2.createStatement().execute("SELECT 1");
            assertFalse(perGrant.verifyRevoked(own.withoutCredentials()), "sessions are left until revoke");

            perGrant.revoke(own.withoutCredentials());
            shared.revoke(account.withoutCredentials());

            assertThrows(SQLException.class, () -> before1.createStatement().execute("SELECT 1"));
            assertThrows(SQLException.class, () -> before2.createStatement().execute("SELECT 1"));
        }
        assertTrue(perGrant.verifyRevoked(own.withoutCredentials()));
        assertTrue(shared.verifyRevoked(account.withoutCredentials()));
    }

    /**
     * Issue 12's acceptance line: an extended login still logs in after its original end and is refused after the
     * new one, in both modes, and {@code rolvaliduntil} is the new end. An extension after revoke changes nothing.
     */
    @Test
    void anExtensionMovesValidUntilInBothModes() throws Exception {
        cluster.sql("CREATE ROLE extended NOLOGIN");
        PostgresAdapter perGrant = adapter(perGrant());
        PostgresAdapter shared = adapter(shared("extended"));
        assertEquals(Extending.MOVES_THE_END, perGrant.extending());
        Provisioned own = perGrant.grant(request(Duration.ofSeconds(2)));
        Provisioned account = shared.grant(request(Duration.ofSeconds(2)));
        String user = own.credentials().orElseThrow().fields().get("username");
        Instant newEnd = Instant.now().plusSeconds(5);

        Provisioned ownMoved = perGrant.extend(own.withoutCredentials(), newEnd);
        Provisioned accountMoved = shared.extend(account.withoutCredentials(), newEnd);

        assertEquals(newEnd, ownMoved.request().expiresAt());
        assertEquals(own.handle(), ownMoved.handle());
        assertTrue(ownMoved.credentials().isEmpty(), "the password stays; nothing new to reveal");
        for (String role : List.of(user, "extended")) {
            long micros = Long.parseLong(cluster.query("SELECT (extract(epoch FROM rolvaliduntil) * 1000000)::bigint"
                    + " FROM pg_roles WHERE rolname = '" + role + "'"));
            assertEquals(ChronoUnit.MICROS.between(Instant.EPOCH, newEnd), micros, role + "'s VALID UNTIL");
        }
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), own.request().expiresAt()).toMillis()) + 500);
        cluster.login(user, password(own)).close();
        cluster.login("extended", password(account)).close();

        Thread.sleep(Math.max(0, Duration.between(Instant.now(), newEnd).toMillis()) + 500);
        assertRefused(user, password(own));
        assertRefused("extended", password(account));

        perGrant.revoke(own.withoutCredentials());
        shared.revoke(account.withoutCredentials());
        TargetException late = assertThrows(TargetException.class,
                () -> perGrant.extend(own.withoutCredentials(), Instant.now().plusSeconds(60)));
        assertTrue(late.getMessage().contains("no longer holds the access"), late.getMessage());
        assertThrows(TargetException.class, () -> shared.extend(account.withoutCredentials(),
                Instant.now().plusSeconds(60)));
        assertTrue(perGrant.verifyRevoked(own.withoutCredentials()));
        assertTrue(shared.verifyRevoked(account.withoutCredentials()));
    }

    @Test
    void noPasswordReachesTheServerLogButTheUsersStatementsDo() throws Exception {
        cluster.sql("CREATE ROLE logged NOLOGIN");
        Provisioned own = adapter(perGrant()).grant(request(Duration.ofMinutes(30)));
        Provisioned account = adapter(shared("logged")).grant(request(Duration.ofMinutes(30)));
        String marker = "bg-marker-" + own.request().id().value();
        try (Connection c = cluster.login(own.credentials().orElseThrow().fields().get("username"), password(own))) {
            c.createStatement().execute("SELECT '" + marker + "'");
        }

        String log = cluster.log();

        assertTrue(log.contains("CREATE ROLE") && log.contains("SCRAM-SHA-256$"),
                "the admin's statements are logged, with verifiers only");
        assertTrue(log.contains(marker), "log_statement = 'all' logs what the break-glass user ran");
        assertFalse(issued.isEmpty());
        for (String password : issued) {
            assertFalse(log.contains(password), "a password in the server log");
        }
        assertFalse(log.contains(cluster.superPassword()), "the admin password in the server log");
        assertTrue(account.handle().contains("logged"));
    }

    /** The no-warning case of the trust probe: this server asks for passwords, so a wrong one is refused. */
    @Test
    void checkOnStartDoesNotWarnWhenTheServerChecksPasswords() {
        Map<String, Object> checked = perGrant();
        checked.put("check-on-start", true);
        try (CapturedLog log = CapturedLog.of(PostgresAdapter.class)) {
            PostgresAdapter adapter = adapter(checked);

            assertEquals(PasswordCheckProbe.Result.CHECKED, adapter.check());
            // This cluster has no logging collector: activity capture warns that it will sample, nothing else does.
            assertEquals(List.of(), log.warnings().stream().filter(w -> !w.contains("activity capture")).toList());
        }
        cluster.sql("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname LIKE 'bg\\_probe\\_%') THEN "
                + "RAISE 'a probe role was left behind'; END IF; END $$");
    }

    private static void assertRefused(String user, String password) {
        SQLException e = assertThrows(SQLException.class, () -> cluster.login(user, password).close(),
                user + " logged in");
        assertTrue(List.of("28P01", "28000").contains(e.getSQLState()), e.getSQLState() + " " + e.getMessage());
    }

    private static String password(Provisioned p) {
        String password = p.credentials().orElseThrow().fields().get("password");
        issued.add(password);
        return password;
    }

    private static GrantRequest request(Duration left) {
        return new GrantRequest(new GrantId(IDS.getAndIncrement()), "orders-db", Optional.of("read-only"), "U0ALICE",
                Optional.empty(), Instant.now().plus(left), "INC-42: orders stuck, need to look");
    }

    private static Map<String, Object> perGrant() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("url", cluster.url());
        s.put("admin-user", ThrowawayCluster.SUPERUSER);
        s.put("admin-password", "${PG_ADMIN_PASSWORD}");
        s.put("roles", Map.of("read-only", "app_ro"));
        return s;
    }

    private static Map<String, Object> shared(String account) {
        Map<String, Object> s = perGrant();
        s.put("mode", "shared-account");
        s.put("account", account);
        return s;
    }

    private static PostgresAdapter adapter(Map<String, Object> settings) {
        return new PostgresAdapterFactory(Clock.systemUTC(),
                EnvironmentVariables.of(Map.of("PG_ADMIN_PASSWORD", cluster.superPassword())))
                .create("orders-db", settings);
    }
}

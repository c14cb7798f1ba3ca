package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings as the policy file gives them, checked at start through the factory the bot uses; no server needed. */
class PostgresSettingsTest {
    private static final String PASSWORD = "adm1n-Pa55word-never-shown";
    private static final Map<String, String> ENV = Map.of("PG_ADMIN_PASSWORD", PASSWORD,
            "PG_URL", "jdbc:postgresql://db.internal:6432/orders?sslmode=require", "EMPTY", "");
    private static final Map<String, Object> MINIMAL = Map.of("url", "jdbc:postgresql://db.internal/orders",
            "admin-user", "breakglass_admin", "default-role", "orders_ro");

    @Test
    void defaultsAreSafe() {
        PostgresSettings s = parse(MINIMAL);

        assertEquals("db.internal", s.url().host());
        assertEquals(5432, s.url().port());
        assertEquals("orders", s.url().database());
        assertEquals("breakglass_admin", s.adminUser());
        assertEquals("", s.adminPassword());
        assertEquals(PostgresMode.PER_GRANT, s.mode());
        assertEquals(Optional.of("orders_ro"), s.defaultRole());
        assertTrue(s.logStatements());
        assertEquals(10, s.connectionLimit());
        assertEquals(Duration.ofSeconds(10), s.connectTimeout());
        assertFalse(s.checkOnStart());
        assertEquals("breakglass_orphans", s.orphanOwner());
        assertEquals("my_orphans", parse(with("orphan-owner", "my_orphans")).orphanOwner());
        assertEquals(PostgresSettings.ActivityCapture.LOG, s.activity());
        assertEquals(Optional.empty(), s.activityLogDir());
        assertEquals(PostgresSettings.ActivityCapture.SAMPLED, parse(with("activity", "sampled")).activity());
        assertEquals(Optional.of(java.nio.file.Path.of("/var/log/postgresql")),
                parse(with("activity-log-dir", "/var/log/postgresql")).activityLogDir());
    }

    @Test
    void everySettingIsRead() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("url", "${PG_URL}");
        all.put("admin-user", "bg_admin");
        all.put("admin-password", "${PG_ADMIN_PASSWORD}");
        all.put("mode", "shared-account");
        all.put("roles", Map.of("read-only", "orders_ro", "admin", "Orders RW"));
        all.put("default-role", "orders_ro");
        all.put("account", "breakglass_oncall");
        all.put("log-statements", false);
        all.put("connect-timeout", "1m30s");
        all.put("check-on-start", false);
        PostgresSettings s = parse(all);

        assertEquals(6432, s.url().port());
        assertEquals(Map.of("sslmode", "require"), s.url().parameters());
        assertEquals(PASSWORD, s.adminPassword());
        assertFalse(s.adminPasswordLiteral());
        assertEquals(PostgresMode.SHARED_ACCOUNT, s.mode());
        assertEquals(Optional.of("Orders RW"), s.pgRole(Optional.of("admin")));
        assertEquals(Optional.empty(), s.pgRole(Optional.of("unknown")));
        assertEquals(Optional.of("orders_ro"), s.pgRole(Optional.empty()));
        assertEquals(java.util.Set.of("orders_ro", "Orders RW"), java.util.Set.copyOf(s.grantableRoles()));
        assertEquals(2, s.grantableRoles().size(), "no repeats: " + s.grantableRoles());
        assertEquals(Optional.of("breakglass_oncall"), s.account());
        assertFalse(s.logStatements());
        assertEquals(Duration.ofSeconds(90), s.connectTimeout());
    }

    @Test
    void aLiteralPasswordIsAcceptedAndMarkedForAWarning() {
        PostgresSettings s = parse(with("admin-password", "literal-secret"));

        assertEquals("literal-secret", s.adminPassword());
        assertTrue(s.adminPasswordLiteral());
        assertEquals("", parse(with("admin-password", "")).adminPassword());
    }

    @Test
    void connectionLimitIsAWholeNumberInPerGrantMode() {
        assertEquals(3, parse(with("connection-limit", 3)).connectionLimit());
        assertEquals(1000, parse(with("connection-limit", 1000L)).connectionLimit());
    }

    @Test
    void toStringNeverShowsThePassword() {
        PostgresSettings s = parse(with("admin-password", "${PG_ADMIN_PASSWORD}"));

        assertFalse(s.toString().contains(PASSWORD), s.toString());
        assertTrue(s.toString().contains("admin-password=(hidden)"), s.toString());
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of(without("url"), "settings.url is missing"),
                Arguments.of(with("orphan-owner", "orders_ro"), "settings.orphan-owner: \"orders_ro\" is also the "
                        + "admin user, the shared account or a mapped role; name a role of its own"),
                Arguments.of(with("orphan-owner", "breakglass_admin"), "settings.orphan-owner: \"breakglass_admin\" "
                        + "is also the admin user"),
                Arguments.of(with("orphan-owner", ""), "settings.orphan-owner is empty"),
                Arguments.of(with("url", 5432), "settings.url must be text, not a number"),
                Arguments.of(with("url", "postgresql://db/orders"), "settings.url: \"postgresql://db/orders\" is not a "
                        + "PostgreSQL JDBC URL"),
                Arguments.of(with("url", "jdbc:mysql://db/orders"), "is not a PostgreSQL JDBC URL"),
                Arguments.of(with("url", "jdbc:postgresql://db"), "names no database"),
                Arguments.of(with("url", "jdbc:postgresql://db/"), "names no database"),
                Arguments.of(with("url", "jdbc:postgresql://a:5432,b:5432/orders"), "names several hosts"),
                Arguments.of(with("url", "jdbc:postgresql://db/orders?user=x"), "settings.url has a user parameter"),
                Arguments.of(with("url", "jdbc:postgresql://db/orders?password=x"),
                        "settings.url has a password parameter"),
                Arguments.of(with("url", "jdbc:postgresql://db:99999/orders"), "settings.url"),
                Arguments.of(with("url", "${NOT_SET}"), "settings.url: environment variable NOT_SET is not set"),
                Arguments.of(without("admin-user"), "settings.admin-user is missing"),
                Arguments.of(with("admin-user", ""), "settings.admin-user is empty"),
                Arguments.of(with("admin-password", 12345), "settings.admin-password must be text, not a number"),
                Arguments.of(with("admin-password", "${EMPTY}"), "settings.admin-password: environment variable EMPTY "
                        + "is empty"),
                Arguments.of(with("admin-password", "${NOT_SET}"), "settings.admin-password: environment variable "
                        + "NOT_SET is not set"),
                Arguments.of(with("mode", "shared"), "settings.mode: \"shared\" is not a mode; write per-grant or "
                        + "shared-account"),
                Arguments.of(with("roles", List.of("a")), "settings.roles must be a map"),
                Arguments.of(with("roles", Map.of("admin", 1)), "settings.roles.admin must be a PostgreSQL role name"),
                Arguments.of(with("roles", Map.of("admin", "x".repeat(64))), "settings.roles.admin: \"xxx"),
                Arguments.of(with("default-role", ""), "settings.default-role is empty"),
                Arguments.of(with("default-role", "a\nb"), "settings.default-role: the role name contains control"),
                Arguments.of(without("default-role"), "settings.roles is missing: per-grant mode needs roles"),
                Arguments.of(with("mode", "shared-account"), "settings.account is missing"),
                Arguments.of(with("account", "oncall"), "settings.account is only read in shared-account mode"),
                Arguments.of(with("log-statements", "yes"), "settings.log-statements: \"yes\" is not true or false"),
                Arguments.of(with("check-on-start", 1), "settings.check-on-start: 1 is not true or false"),
                Arguments.of(with("activity", "all"), "settings.activity: \"all\" is not a capture; write log (the "
                        + "server log, sampled where it cannot be read), sampled or off"),
                Arguments.of(with("activity-log-dir", "log"), "settings.activity-log-dir: \"log\" is not an "
                        + "absolute path"),
                Arguments.of(with("activity-log-dir", ""), "settings.activity-log-dir is empty"),
                Arguments.of(withAll(Map.of("activity", "off", "activity-log-dir", "/var/log/pg")),
                        "settings.activity-log-dir is only read with activity: log"),
                Arguments.of(with("connection-limit", 0), "settings.connection-limit: 0 is out of range"),
                Arguments.of(with("connection-limit", "5"), "settings.connection-limit: \"5\" is not a whole number"),
                Arguments.of(with("connect-timeout", 10), "settings.connect-timeout: 10 has no unit"),
                Arguments.of(with("connect-timeout", "3m"), "settings.connect-timeout: \"3m\" is not a duration from "
                        + "1s to 2m"),
                Arguments.of(with("connect-timeout", "soon"), "settings.connect-timeout: \"soon\""),
                Arguments.of(with("pasword", "x"), "settings.pasword is not a postgres setting"));
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void badSettingsStopTheBotNamingTheSetting(Map<String, Object> settings, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(settings));

        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("settings."), e.getMessage());
    }

    @Test
    void connectionLimitIsRefusedInSharedMode() {
        Map<String, Object> s = new LinkedHashMap<>(MINIMAL);
        s.put("mode", "shared-account");
        s.put("account", "oncall");
        s.put("connection-limit", 3);

        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(s)).getMessage()
                .startsWith("settings.connection-limit is only read in per-grant mode"));
    }

    @Test
    void messagesNeverEchoAPassword() {
        List<Map<String, Object>> leaky = List.of(
                with("url", "postgresql://admin:hunter2secret@db/orders"),
                with("url", "jdbc:postgresql://admin:hunter2secret@db/orders"),
                with("url", "jdbc:postgresql://db/orders?password=hunter2secret"),
                with("url", "jdbc:postgresql:orders?password=hunter2secret"),
                with("admin-password", 424242));
        for (Map<String, Object> settings : leaky) {
            String message = assertThrows(IllegalArgumentException.class, () -> parse(settings)).getMessage();
            assertFalse(message.contains("hunter2secret") || message.contains("424242"), message);
        }
    }

    @Test
    void theFactoryChecksSettingsWithoutConnecting() {
        PostgresAdapterFactory factory = new PostgresAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(ENV));
        // Nothing listens on port 1: create() must not care.
        PostgresAdapter adapter = factory.create("orders-db", with("url", "jdbc:postgresql://127.0.0.1:1/orders"));

        assertEquals("postgres", factory.type());
        assertEquals("orders-db", adapter.target());
        assertTrue(adapter.toString().contains("127.0.0.1:1/orders"), adapter.toString());
        assertThrows(IllegalArgumentException.class, () -> factory.create("orders-db", with("bogus", true)));
    }

    @Test
    void checkOnStartNamesTheProblem() {
        PostgresAdapterFactory factory = new PostgresAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(ENV));
        Map<String, Object> s = with("url", "jdbc:postgresql://127.0.0.1:1/orders");
        s.put("check-on-start", true);
        s.put("connect-timeout", "2s");

        String message = assertThrows(IllegalArgumentException.class, () -> factory.create("orders-db", s))
                .getMessage();

        assertTrue(message.startsWith("settings.check-on-start: could not connect to 127.0.0.1:1/orders as "
                + "breakglass_admin"), message);
    }

    @Test
    void urlsForTheRequesterCarryNoPassword() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://db.internal:6432/orders?sslmode=verify-full");

        assertEquals("jdbc:postgresql://db.internal:6432/orders?sslmode=verify-full&user=bg_7_u0alice",
                url.jdbcUrl("bg_7_u0alice"));
        assertEquals("psql \"host=db.internal port=6432 dbname=orders user=bg_7_u0alice sslmode=verify-full\"",
                url.psqlCommand("bg_7_u0alice"));
        assertEquals("db.internal:6432/orders", url.origin());
    }

    @Test
    void oddNamesAreQuotedForLibpqAndTheShell() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://[::1]/my%20db");

        assertEquals("::1", url.host());
        assertEquals("my db", url.database());
        assertEquals("jdbc:postgresql://[::1]:5432/my%20db?user=O%27Brien", url.jdbcUrl("O'Brien"));
        assertEquals("psql \"host=::1 port=5432 dbname='my db' user='O\\\\'Brien'\"", url.psqlCommand("O'Brien"));
        assertEquals("psql \"host=::1 port=5432 dbname=x user='\\$HOME'\"",
                PostgresUrl.parse("jdbc:postgresql://[::1]/x").psqlCommand("$HOME"));
    }

    private static PostgresSettings parse(Map<String, Object> settings) {
        return PostgresSettings.parse(settings, EnvironmentVariables.of(ENV));
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(MINIMAL);
        m.put(key, value);
        return m;
    }

    private static Map<String, Object> withAll(Map<String, Object> more) {
        Map<String, Object> m = new LinkedHashMap<>(MINIMAL);
        m.putAll(more);
        return m;
    }

    private static Map<String, Object> without(String key) {
        Map<String, Object> m = new LinkedHashMap<>(MINIMAL);
        m.remove(key);
        return m;
    }
}

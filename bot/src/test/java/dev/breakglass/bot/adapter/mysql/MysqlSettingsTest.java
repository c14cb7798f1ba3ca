package dev.breakglass.bot.adapter.mysql;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
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

/** Settings as the policy file gives them, checked when the bot starts, through the factory the bot uses. */
class MysqlSettingsTest {
    private static final String SECRET = "admin-s3cret-value";
    private static final Map<String, String> ENV = Map.of("DB_ADMIN_PASSWORD", SECRET,
            "DB_URL", "jdbc:mysql://db.internal:3307/shop", "EMPTY", "");

    private static MysqlSettings parse(Map<String, Object> settings) {
        return new MysqlAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(ENV)).create("shop-db", settings)
                .settings();
    }

    private static Map<String, Object> minimal() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("url", "jdbc:mariadb://db.internal:3306/shop");
        s.put("admin-user", "breakglass");
        s.put("admin-password", "${DB_ADMIN_PASSWORD}");
        s.put("roles", Map.of("read-only", List.of("SELECT ON shop.*")));
        return s;
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> s = minimal();
        if (value == null) {
            s.remove(key);
        } else {
            s.put(key, value);
        }
        return s;
    }

    private static String problem(Map<String, Object> settings) {
        return assertThrows(IllegalArgumentException.class, () -> parse(settings)).getMessage();
    }

    @Test
    void activityCaptureIsChosenAndCheckedWithoutTheServer() {
        assertEquals(MysqlSettings.Capture.AUTO, parse(minimal()).activity());
        assertEquals(java.util.Optional.empty(), parse(minimal()).auditLog());
        Map<String, Object> audit = with("activity", "audit-log");
        audit.put("activity-audit-log", "/var/lib/mysql/server_audit.log");
        assertEquals(java.util.Optional.of(java.nio.file.Path.of("/var/lib/mysql/server_audit.log")),
                parse(audit).auditLog());
        assertEquals(MysqlSettings.Capture.GENERAL_LOG, parse(with("activity", "general-log")).activity());
        assertTrue(parse(with("activity", "off")).activity() == MysqlSettings.Capture.OFF);

        assertEquals("settings.activity: \"all\" is not a capture; write auto, audit-log, general-log, sampled or off",
                problem(with("activity", "all")));
        assertTrue(problem(with("activity", "audit-log")).startsWith("settings.activity-audit-log is missing"));
        assertTrue(problem(with("activity-audit-log", "audit.log")).startsWith("settings.activity-audit-log: "
                + "\"audit.log\" is not an absolute path"));
        Map<String, Object> sampled = with("activity", "sampled");
        sampled.put("activity-audit-log", "/var/lib/mysql/server_audit.log");
        assertTrue(problem(sampled).startsWith("settings.activity-audit-log is only read with activity: audit-log"));
    }

    @Test
    void theMinimalSettingsGetDefaults() {
        MysqlSettings s = parse(minimal());

        assertEquals(new MysqlUrl("db.internal", 3306, Optional.of("shop"), ""), s.url());
        assertEquals("breakglass", s.adminUser());
        assertEquals(SECRET, s.adminPassword());
        assertEquals("%", s.host());
        assertEquals(Duration.ofSeconds(10), s.connectTimeout());
        assertEquals(10, s.maxConnections());
        assertEquals(Optional.empty(), s.defaultGrants());
        assertEquals(List.of(new PrivilegeGrant(List.of("SELECT"), "shop", Optional.empty())),
                s.roles().get("read-only"));
    }

    @Test
    void everySettingIsRead() {
        Map<String, Object> s = minimal();
        s.put("url", "${DB_URL}");
        s.put("roles", Map.of("read-only", List.of("select on shop.*"),
                "admin", List.of("ALL PRIVILEGES ON `shop`.*", "SELECT,INSERT ON audit.events")));
        s.put("default-grants", List.of("SELECT ON shop.orders"));
        s.put("host", "10.0.%");
        s.put("connect-timeout", "5s");
        s.put("max-connections", BigInteger.valueOf(3));

        MysqlSettings parsed = parse(s);

        assertEquals(new MysqlUrl("db.internal", 3307, Optional.of("shop"), ""), parsed.url());
        assertEquals("[ALL PRIVILEGES ON shop.*, SELECT, INSERT ON audit.events]",
                parsed.roles().get("admin").toString());
        assertEquals("[SELECT ON shop.*]", parsed.roles().get("read-only").toString());
        assertEquals("[SELECT ON shop.orders]", parsed.defaultGrants().orElseThrow().toString());
        assertEquals("10.0.%", parsed.host());
        assertEquals(Duration.ofSeconds(5), parsed.connectTimeout());
        assertEquals(3, parsed.maxConnections());
    }

    @Test
    void defaultGrantsAloneAreEnoughForATargetWithoutRoles() {
        MysqlSettings s = parse(withDefaultsOnly());

        assertEquals(Map.of(), s.roles());
        assertEquals(Optional.of(s.defaultGrants().orElseThrow()), s.grantsFor(Optional.empty()));
        assertEquals(Optional.empty(), s.grantsFor(Optional.of("admin")));
    }

    private static Map<String, Object> withDefaultsOnly() {
        Map<String, Object> s = with("roles", null);
        s.put("default-grants", List.of("SELECT ON shop.*"));
        return s;
    }

    @Test
    void aMissingOrEmptyLiteralAdminPasswordIsNoPassword() {
        assertEquals("", parse(with("admin-password", null)).adminPassword());
        assertEquals("", parse(with("admin-password", "")).adminPassword());
        assertEquals("literal-pw", parse(with("admin-password", "literal-pw")).adminPassword());
    }

    @Test
    void urlsOfBothSchemesAndIpv6AndOptionsAreRead() {
        assertEquals(new MysqlUrl("127.0.0.1", 3306, Optional.empty(), ""),
                MysqlUrl.parse("jdbc:mariadb://127.0.0.1"));
        assertEquals(new MysqlUrl("::1", 3306, Optional.of("shop"), "sslMode=verify-full"),
                MysqlUrl.parse("jdbc:mysql://[::1]:3306/shop?sslMode=verify-full"));
        MysqlUrl v6 = MysqlUrl.parse("jdbc:mysql://[::1]:3306/shop?sslMode=verify-full");
        assertEquals("jdbc:mariadb://[::1]:3306/shop?sslMode=verify-full", v6.driverUrl());
        assertEquals("[::1]:3306", v6.hostAndPort());
        assertEquals("jdbc:mariadb://[::1]:3306/shop", v6.toString());
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of(with("url", null), "settings.url is missing"),
                Arguments.of(with("url", 3306), "settings.url must be text, not a number"),
                Arguments.of(with("url", ""), "settings.url is empty"),
                Arguments.of(with("url", "https://db.internal"), "settings.url: \"https://db.internal\" is not a MySQL "
                        + "or MariaDB JDBC URL"),
                Arguments.of(with("url", "jdbc:postgresql://db/x"), "is not a MySQL or MariaDB JDBC URL"),
                Arguments.of(with("url", "jdbc:mariadb://a:3306,b:3306/shop"), "names several hosts"),
                Arguments.of(with("url", "jdbc:mariadb:replication://a,b/shop"), "is not a MySQL or MariaDB JDBC URL"),
                Arguments.of(with("url", "jdbc:mariadb://u:pw@db/shop"), "settings.url carries user info"),
                Arguments.of(with("url", "jdbc:mariadb://db/shop?user=root"), "carries the option user"),
                Arguments.of(with("url", "jdbc:mariadb://db/shop?password=x"), "carries the option password"),
                Arguments.of(with("url", "jdbc:mariadb://db/shop?sslMode=trust&Password2=x"),
                        "carries the option password2"),
                Arguments.of(with("url", "jdbc:mariadb://db:99999/shop"), "has a port outside 1 to 65535"),
                Arguments.of(with("url", "jdbc:mariadb://db:0/shop"), "has a port outside 1 to 65535"),
                Arguments.of(with("url", "jdbc:mariadb://db:/shop"), "has an empty port"),
                Arguments.of(with("url", "jdbc:mariadb:///shop"), "has no valid host"),
                Arguments.of(with("url", "jdbc:mariadb://db/shop;drop"), "names a database that is not"),
                Arguments.of(with("url", "jdbc:mariadb://db/shop?novalue"), "has a malformed option"),
                Arguments.of(with("url", "${UNSET_URL}"), "settings.url: environment variable UNSET_URL is not set"),
                Arguments.of(with("admin-user", null), "settings.admin-user is missing"),
                Arguments.of(with("admin-user", " "), "settings.admin-user is empty"),
                Arguments.of(with("admin-password", "${EMPTY}"), "settings.admin-password: environment variable EMPTY "
                        + "is empty"),
                Arguments.of(with("admin-password", "${NOPE}"), "settings.admin-password: environment variable NOPE "
                        + "is not set"),
                Arguments.of(with("roles", null), "settings.roles is missing: map each role to its grants, or give "
                        + "default-grants"),
                Arguments.of(with("roles", List.of("SELECT ON shop.*")), "settings.roles must be a map"),
                Arguments.of(with("roles", Map.of()), "settings.roles is empty"),
                Arguments.of(with("roles", Map.of("read-only", "SELECT ON shop.*")),
                        "settings.roles.read-only must be a list of grants, not text"),
                Arguments.of(with("roles", Map.of("read-only", List.of())), "settings.roles.read-only is empty"),
                Arguments.of(with("roles", Map.of("read-only", List.of(42))),
                        "settings.roles.read-only[0] must be text like \"SELECT ON shop.*\", not a number"),
                Arguments.of(with("roles", Map.of("-bad", List.of("SELECT ON shop.*"))),
                        "settings.roles: \"-bad\" is not a role name"),
                Arguments.of(with("default-grants", "SELECT ON shop.*"), "settings.default-grants must be a list"),
                Arguments.of(with("host", ""), "settings.host: \"\" is not a host pattern"),
                Arguments.of(with("host", 10), "settings.host: a number is not a host pattern"),
                Arguments.of(with("connect-timeout", 10), "settings.connect-timeout: 10 has no unit"),
                Arguments.of(with("connect-timeout", "10 seconds"), "settings.connect-timeout: \"10 seconds\" is not a "
                        + "duration from 1s to 2m"),
                Arguments.of(with("connect-timeout", "3m"), "is not a duration from 1s to 2m"),
                Arguments.of(with("max-connections", 0), "settings.max-connections: 0 is not a whole number from 1 "
                        + "to 1000"),
                Arguments.of(with("max-connections", 1001), "settings.max-connections: 1001 is not a whole number"),
                Arguments.of(with("max-connections", "10"), "settings.max-connections: \"10\" is not a whole number"),
                Arguments.of(with("max-connections", 2.5), "settings.max-connections: 2.5 is not a whole number"),
                Arguments.of(with("password", "x"), "settings.password is not a mysql setting; the mysql adapter reads "
                        + "url, admin-user, admin-password, roles, default-grants, host, connect-timeout, "
                        + "max-connections"));
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void badSettingsAreRefusedNamingTheSetting(Map<String, Object> settings, String expected) {
        String message = problem(settings);

        assertTrue(message.contains(expected), message);
        assertTrue(message.startsWith("settings."), message);
        assertFalse(message.contains(SECRET), message);
    }

    /** Entries that would do more than grant privileges on one database, or are not entries at all. */
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT ON shop.*; DROP DATABASE shop",
            "SELECT ON shop.* TO 'mallory'@'%'",
            "SELECT ON shop.* WITH GRANT OPTION",
            "SELECT ON shop.* -- comment",
            "SELECT ON shop.* /* comment */",
            "SELECT ON shop.*, mysql.*",
            "SELECT ON `shop`.`t``;DROP`",
            "SELECT ON `shop'`.*",
            "SELECT ON `shop`.`t` `x`",
            "SELECT ON shop.t%",
            "SELECT ON sh%p.*",
            "SELECT ON *.*",
            "SELECT ON shop",
            "SELECT ON shop.*.*",
            "SELECT ON shop.\u0000",
            "SELECT ON shоp.*",
            "SELECT ON",
            "ON shop.*",
            "SELECT",
            "",
            "SELECT ON PROCEDURE shop.p",
            "SELECT ON TABLE shop.t"})
    void entriesThatAreNotPlainGrantsAreRefused(String entry) {
        String message = problem(with("roles", Map.of("read-only", List.of("SELECT ON shop.*", entry))));

        assertTrue(message.startsWith("settings.roles.read-only[1]: "), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GRANT OPTION ON shop.*",
            "SUPER ON shop.*",
            "FILE ON shop.*",
            "PROCESS ON shop.*",
            "CREATE USER ON shop.*",
            "SHUTDOWN ON shop.*",
            "PROXY ON shop.*",
            "SELECT, RELOAD ON shop.*",
            "SELECT; DROP TABLE x; SELECT ON shop.*",
            "SELECT (id, total) ON shop.orders",
            "SELECT 'x' ON shop.*",
            "`SELECT` ON shop.*",
            "SELECT,, INSERT ON shop.*",
            "SELECT, ON shop.*"})
    void privilegesOutsideTheWhitelistAreRefused(String entry) {
        String message = problem(with("roles", Map.of("admin", List.of(entry))));

        assertTrue(message.startsWith("settings.roles.admin[0]: "), message);
    }

    @Test
    void messagesSayWhatIsWrongWithAnEntry() {
        assertEquals("settings.roles.admin[0]: \"SUPER ON shop.*\" names SUPER, which is not handed out; allowed: "
                + "ALL, ALL PRIVILEGES, ALTER, ALTER ROUTINE, CREATE, CREATE ROUTINE, CREATE TEMPORARY TABLES, "
                + "CREATE VIEW, DELETE, DELETE HISTORY, DROP, EVENT, EXECUTE, INDEX, INSERT, LOCK TABLES, REFERENCES, "
                + "SELECT, SHOW VIEW, TRIGGER, UPDATE", problem(with("roles", Map.of("admin", List.of("SUPER ON shop.*")))));
        assertEquals("settings.roles.admin[0]: \"SELECT ON shop.* TO x\" does not end in <database>.<table> or "
                        + "<database>.*, with names of letters, digits, _ and $ (in `backticks` also -), and nothing "
                        + "after it (no WITH GRANT OPTION, TO, ; or comments)",
                problem(with("roles", Map.of("admin", List.of("SELECT ON shop.* TO x")))));
        assertEquals("settings.roles.admin[0]: \"EXECUTE ON shop.orders\" grants EXECUTE on one table, but it applies "
                + "to whole databases only; write ON shop.*", problem(with("roles", Map.of("admin",
                List.of("EXECUTE ON shop.orders")))));
        assertEquals("settings.roles.admin[0]: \"SELECT ON mysql.user\" is on the system schema mysql; grants there "
                + "reach accounts and password hashes, so they are not handed out", problem(with("roles",
                Map.of("admin", List.of("SELECT ON mysql.user")))));
        assertEquals("settings.roles.admin[0]: \"ALL, SELECT ON shop.*\" combines ALL with other privileges; ALL "
                + "already includes them, write it alone", problem(with("roles", Map.of("admin",
                List.of("ALL, SELECT ON shop.*")))));
        assertEquals("settings.roles.admin[0]: \"SELECT, select ON shop.*\" names SELECT twice",
                problem(with("roles", Map.of("admin", List.of("SELECT, select ON shop.*")))));
        assertEquals("settings.default-grants[0]: \"SELECT\" is not <privileges> ON <database>.<table> or "
                + "<privileges> ON <database>.*, like \"SELECT ON shop.*\"", problem(withDefault("SELECT")));
    }

    private static Map<String, Object> withDefault(String entry) {
        Map<String, Object> s = minimal();
        s.put("default-grants", List.of(entry));
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"%'; DROP USER root; --", "db.internal'", "a b", "host\\", "x@y", "%\n"})
    void hostPatternsThatCouldInjectAreRefused(String host) {
        String message = problem(with("host", host));

        assertTrue(message.startsWith("settings.host: "), message);
        assertTrue(message.contains("is not a host pattern"), message);
    }

    @Test
    void grantsBecomeSqlFromTheirPartsOnly() {
        MysqlAccount account = new MysqlAccount("bg_7_u0alice", "%");

        assertEquals("GRANT SELECT ON `shop`.* TO 'bg_7_u0alice'@'%'",
                PrivilegeGrant.parse("x", "  select   ON   shop . *  ").sql(account));
        assertEquals("GRANT SELECT, INSERT, DELETE HISTORY ON `shop`.`orders` TO 'bg_7_u0alice'@'%'",
                PrivilegeGrant.parse("x", "Select,insert , delete   history ON `shop`.`orders`").sql(account));
        assertEquals("GRANT ALL PRIVILEGES ON `my-app`.* TO 'bg_7_u0alice'@'%'",
                PrivilegeGrant.parse("x", "ALL PRIVILEGES ON `my-app`.*").sql(account));
        // In a database-wide grant _ is a wildcard to the server: escaped. On one table it is not: as written.
        assertEquals("GRANT SELECT ON `shop\\_eu`.* TO 'bg_7_u0alice'@'%'",
                PrivilegeGrant.parse("x", "SELECT ON shop_eu.*").sql(account));
        assertEquals("GRANT SELECT ON `shop_eu`.`order_lines` TO 'bg_7_u0alice'@'%'",
                PrivilegeGrant.parse("x", "SELECT ON shop_eu.order_lines").sql(account));
    }

    @Test
    void toStringNeverShowsTheAdminPasswordOrUrlOptions() {
        Map<String, Object> s = minimal();
        s.put("url", "jdbc:mariadb://db.internal/shop?trustStorePassword=ts-" + SECRET);
        String shown = parse(s).toString();

        assertFalse(shown.contains(SECRET), shown);
        assertTrue(shown.contains("admin-password=(hidden)"), shown);
        assertTrue(shown.contains("url=jdbc:mariadb://db.internal:3306/shop,"), shown);
    }

    @Test
    void aBadUrlsMessageNeverShowsItsOptions() {
        String message = problem(with("url", "jdbc:mariadb://a,b/shop?trustStorePassword=" + SECRET));

        assertFalse(message.contains(SECRET), message);
        assertEquals("settings.url: \"jdbc:mariadb://a,b/shop?…\" names several hosts; name the one server whose "
                + "accounts this target manages", message);
    }

    @Test
    void aPasswordWrittenAsANumberIsNotEchoed() {
        String message = problem(with("admin-password", 918273645));

        assertFalse(message.contains("918273645"), message);
        assertTrue(message.startsWith("settings.admin-password must be text, not a number"), message);
    }

    @Test
    void theFactoryHasTheMysqlType() {
        assertEquals("mysql", new MysqlAdapterFactory(Clock.systemUTC()).type());
    }
}

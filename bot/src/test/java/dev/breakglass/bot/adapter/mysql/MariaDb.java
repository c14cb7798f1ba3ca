package dev.breakglass.bot.adapter.mysql;

import org.junit.jupiter.api.Assumptions;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real MariaDB (or MySQL) the adapter tests run against, with a scratch database of their own and a private
 * range of grant numbers, so parallel runs on one server never meet.
 *
 * <p>Server: {@code BREAKGLASS_TEST_MARIADB_HOST} / {@code _PORT} / {@code _USER} / {@code _PASSWORD}, by default
 * {@code 127.0.0.1:3306}, {@code root}, empty. When it does not answer the test is skipped with the reason — unless
 * {@code BREAKGLASS_TEST_MARIADB_REQUIRED=true} (CI), where it fails instead. {@link #close()} drops the scratch
 * databases and every account in the grant-number range.
 */
final class MariaDb implements AutoCloseable {
    static final String HOST = env("BREAKGLASS_TEST_MARIADB_HOST", "127.0.0.1");
    static final int PORT = Integer.parseInt(env("BREAKGLASS_TEST_MARIADB_PORT", "3306"));
    static final String USER = env("BREAKGLASS_TEST_MARIADB_USER", "root");
    static final String PASSWORD = env("BREAKGLASS_TEST_MARIADB_PASSWORD", "");

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A database name with an underscore, which grants must not read as a wildcard. */
    final String database;
    /** Grant numbers {@code idBase + 1 …} belong to this instance. */
    final long idBase;
    private final List<String> databases = new ArrayList<>();
    private final List<String> admins = new ArrayList<>();

    private MariaDb() {
        String suffix = Long.toString(Math.abs(RANDOM.nextLong()) % 1_000_000_000L, 36);
        this.database = "bgtest_" + suffix;
        // Nine digits, never starting with 0, then three for the test's own numbering.
        this.idBase = (100_000_000L + Math.abs(RANDOM.nextLong()) % 900_000_000L) * 1000L;
    }

    /** Connects (or skips, or fails in CI) and creates the scratch database. */
    static MariaDb scratch() {
        try (Connection c = admin("")) {
            c.isValid(3);
        } catch (SQLException e) {
            String reason = "MariaDB not reachable at " + HOST + ":" + PORT + " as " + USER + " (" + e.getMessage() + ")";
            if (Boolean.parseBoolean(env("BREAKGLASS_TEST_MARIADB_REQUIRED", "false"))) {
                throw new AssertionError(reason + " and BREAKGLASS_TEST_MARIADB_REQUIRED=true", e);
            }
            System.err.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        MariaDb db = new MariaDb();
        db.createDatabase(db.database);
        return db;
    }

    /** Creates another database (dropped on close), with a table {@code t(a INT)} holding one row. */
    void createDatabase(String name) {
        execute("CREATE DATABASE `" + name + "`");
        databases.add(name);
        execute("CREATE TABLE `" + name + "`.t (a INT)");
        execute("INSERT INTO `" + name + "`.t VALUES (1)");
    }

    /**
     * Creates an admin account {@code bgadmin_<random>'@'%'} (dropped on close) and runs {@code grants}, each a
     * statement with {@code %s} where the account goes.
     *
     * @return the account's user name; its password is {@link #ADMIN_PASSWORD}
     */
    String createAdmin(List<String> grants) {
        String user = "bgadmin_" + Long.toString(Math.abs(RANDOM.nextLong()) % 1_000_000_000L, 36);
        execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + ADMIN_PASSWORD + "'");
        admins.add(user);
        for (String grant : grants) {
            execute(grant.formatted("'" + user + "'@'%'"));
        }
        return user;
    }

    static final String ADMIN_PASSWORD = "Admin-Test-Pw-1";

    /** {@code jdbc:mariadb://host:port/<database>}. */
    String url() {
        return "jdbc:mariadb://" + HOST + ":" + PORT + "/" + database;
    }

    /** Settings for the adapter: this server, the scratch database, the test admin account. */
    Map<String, Object> settings(Map<String, Object> more) {
        var s = new java.util.LinkedHashMap<String, Object>();
        s.put("url", url());
        s.put("admin-user", USER);
        s.put("admin-password", PASSWORD);
        s.put("connect-timeout", "3s");
        s.putAll(more);
        return s;
    }

    static Connection admin(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + HOST + ":" + PORT + "/" + database
                + "?connectTimeout=3000", USER, PASSWORD);
    }

    /** A session as a grant's account, the way the requester would open one. */
    Connection login(String user, String password) throws SQLException {
        return DriverManager.getConnection(url() + "?connectTimeout=3000", user, password);
    }

    void execute(String sql) {
        try (Connection c = admin(""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The hosts at which {@code user} exists. */
    List<String> hosts(String user) {
        return strings("SELECT Host FROM mysql.user WHERE User = ?", user);
    }

    /** The ids of {@code user}'s sessions. */
    List<String> sessions(String user) {
        return strings("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?", user);
    }

    /** The {@code max_user_connections} of an account. */
    Optional<String> maxUserConnections(String user) {
        return strings("SELECT max_user_connections FROM mysql.user WHERE User = ?", user).stream().findFirst();
    }

    List<String> strings(String sql, String parameter) {
        List<String> values = new ArrayList<>();
        try (Connection c = admin(""); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
        return values;
    }

    @Override
    public void close() {
        List<String[]> accounts = new ArrayList<>();
        try (Connection c = admin(""); PreparedStatement s = c.prepareStatement(
                "SELECT User, Host FROM mysql.user WHERE User LIKE ?")) {
            s.setString(1, "bg\\_" + (idBase / 1000) + "%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    accounts.add(new String[]{rs.getString(1), rs.getString(2)});
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        for (String[] a : accounts) {
            execute("DROP USER IF EXISTS '" + a[0] + "'@'" + a[1] + "'");
        }
        for (String admin : admins) {
            execute("DROP USER IF EXISTS '" + admin + "'@'%'");
        }
        for (String name : databases) {
            execute("DROP DATABASE IF EXISTS `" + name + "`");
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}

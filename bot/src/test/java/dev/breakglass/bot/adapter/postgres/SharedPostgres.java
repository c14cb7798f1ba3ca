package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.grant.GrantId;
import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The machine's PostgreSQL (trust authentication) for one test class: a superuser connection, names of its own
 * ({@link #prefix}) so parallel runs on the same server never meet, and clean-up of every role and schema it made.
 *
 * <p>From {@code BREAKGLASS_TEST_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}) as
 * {@code BREAKGLASS_TEST_PG_USER} (default {@code postgres}). Unreachable: the test is skipped with the reason, or
 * fails when {@code BREAKGLASS_TEST_PG_REQUIRED=true}. Trust authentication ignores passwords and {@code VALID UNTIL};
 * {@link ThrowawayCluster} is the server for tests of those.
 */
final class SharedPostgres implements AutoCloseable {
    final String url;
    final String user;
    final String password;
    /** {@code bgt_<8 hex>_}: every role and schema the test makes starts with it. */
    final String prefix;
    private final List<Long> grantIds = new ArrayList<>();

    private SharedPostgres(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        this.prefix = "bgt_" + HexFormat.of().formatHex(random) + "_";
    }

    static SharedPostgres connect() {
        String url = env("BREAKGLASS_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        SharedPostgres pg = new SharedPostgres(url, env("BREAKGLASS_TEST_PG_USER", "postgres"),
                env("BREAKGLASS_TEST_PG_PASSWORD", ""));
        try (Connection c = pg.admin()) {
            c.isValid(3);
        } catch (SQLException e) {
            skipOrFail("PostgreSQL not reachable at " + url + " (" + e.getMessage() + ")", e);
        }
        return pg;
    }

    /** Skips the test with {@code reason}, or fails it when {@code BREAKGLASS_TEST_PG_REQUIRED=true}. */
    static void skipOrFail(String reason, Throwable cause) {
        if (Boolean.parseBoolean(env("BREAKGLASS_TEST_PG_REQUIRED", "false"))) {
            throw new AssertionError(reason + " and BREAKGLASS_TEST_PG_REQUIRED=true", cause);
        }
        System.err.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
    }

    /** A grant id no other test run uses: random and large. Its roles are dropped on {@link #close()}. */
    GrantId newGrantId() {
        long id = 1_000_000_000L + ThreadLocalRandom.current().nextLong(8_000_000_000L);
        grantIds.add(id);
        return new GrantId(id);
    }

    Connection admin() throws SQLException {
        return login(user, password);
    }

    Connection login(String role, String pw) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", role);
        if (pw != null && !pw.isEmpty()) {
            p.setProperty("password", pw);
        }
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url, p);
    }

    void sql(String... statements) {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The first column of the first row, as text; null when there is no row. */
    String value(String sql, Object... args) {
        try (Connection c = admin(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    boolean roleExists(String role) {
        return value("SELECT 1 FROM pg_roles WHERE rolname = ?", role) != null;
    }

    @Override
    public void close() {
        List<String> roles = new ArrayList<>();
        try (Connection c = admin(); Statement s = c.createStatement()) {
            StringBuilder like = new StringBuilder("rolname LIKE '" + prefix.replace("_", "\\_") + "%'");
            for (long id : grantIds) {
                like.append(" OR rolname LIKE 'bg\\_").append(id).append("\\_%' OR rolname = 'bg_").append(id).append("'");
            }
            try (ResultSet rs = s.executeQuery("SELECT rolname FROM pg_roles WHERE " + like)) {
                while (rs.next()) {
                    roles.add(rs.getString(1));
                }
            }
            if (!roles.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY(?)")) {
                    ps.setArray(1, c.createArrayOf("text", roles.toArray()));
                    ps.execute();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE '"
                    + prefix.replace("_", "\\_") + "%'")) {
                List<String> schemas = new ArrayList<>();
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
                for (String schema : schemas) {
                    s.execute("DROP SCHEMA \"" + schema + "\" CASCADE");
                }
            }
            for (String role : roles) {
                s.execute("REASSIGN OWNED BY \"" + role + "\" TO CURRENT_USER");
                s.execute("DROP OWNED BY \"" + role + "\"");
            }
            for (String role : roles) {
                s.execute("DROP ROLE IF EXISTS \"" + role + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cleaning up " + roles + ": " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}

package dev.breakglass.bot.testing;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A private, freshly migrated database for one test class: an in-memory H2 in PostgreSQL mode, or a schema of
 * its own in the real PostgreSQL (dropped on {@link #close()}).
 *
 * <p>PostgreSQL comes from {@code BREAKGLASS_TEST_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test},
 * user {@code BREAKGLASS_TEST_PG_USER}, default {@code postgres}). When it does not answer the test is skipped
 * with the reason — unless {@code BREAKGLASS_TEST_PG_REQUIRED=true} (CI), where it fails instead.
 */
public final class TestDatabase implements AutoCloseable {
    private final String url;
    private final String user;
    private final String password;
    private final DataSource dataSource;
    private final Runnable cleanup;
    private final String schema;

    private TestDatabase(String url, String user, String password, DataSource dataSource, Runnable cleanup,
                         String schema) {
        this.schema = schema;
        this.url = url;
        this.user = user;
        this.password = password;
        this.dataSource = dataSource;
        this.cleanup = cleanup;
    }

    /** A new in-memory H2, migrated. */
    public static TestDatabase h2() {
        TestDatabase db = emptyH2();
        db.migrate(null);
        return db;
    }

    /** A new in-memory H2, not migrated: for upgrades ({@link #migrateTo}). */
    public static TestDatabase emptyH2() {
        String url = "jdbc:h2:mem:bg" + UUID.randomUUID().toString().replace("-", "")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        return new TestDatabase(url, "sa", "", ds, () -> execute(ds, "SHUTDOWN"), null);
    }

    /** A new schema in the real PostgreSQL, migrated; skips (or fails in CI) when PostgreSQL is unreachable. */
    public static TestDatabase postgres() {
        return postgres(true);
    }

    /** A new, empty schema in the real PostgreSQL (not migrated): to show that something did not touch it. */
    public static TestDatabase emptyPostgres() {
        return postgres(false);
    }

    private static TestDatabase postgres(boolean migrated) {
        String base = env("BREAKGLASS_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = env("BREAKGLASS_TEST_PG_USER", "postgres");
        String password = env("BREAKGLASS_TEST_PG_PASSWORD", "");
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setURL(base);
        admin.setUser(user);
        admin.setPassword(password);
        admin.setConnectTimeout(3);
        try (Connection c = admin.getConnection()) {
            c.isValid(3);
        } catch (SQLException e) {
            String reason = "PostgreSQL not reachable at " + base + " (" + e.getMessage() + ")";
            if (Boolean.parseBoolean(env("BREAKGLASS_TEST_PG_REQUIRED", "false"))) {
                throw new AssertionError(reason + " and BREAKGLASS_TEST_PG_REQUIRED=true", e);
            }
            System.err.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        String schema = "bg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        execute(admin, "CREATE SCHEMA " + schema);
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(user);
        ds.setPassword(password);
        TestDatabase db = new TestDatabase(url, user, password, ds,
                () -> execute(admin, "DROP SCHEMA " + schema + " CASCADE"), schema);
        if (migrated) {
            db.migrate(schema);
        }
        return db;
    }

    private void migrate(String schema) {
        migrate(schema, null);
    }

    private void migrate(String schema, String target) {
        var config = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration");
        if (schema != null) {
            config.schemas(schema);
        }
        if (target != null) {
            config.target(target);
        }
        config.load().migrate();
    }

    /**
     * Migrates this database up to {@code version} ("7"), or to the latest with {@code null}, as an upgrade from an
     * older release does. Works on the H2 from {@link #emptyH2()} and the schema from {@link #emptyPostgres()}.
     */
    public void migrateTo(String version) {
        migrate(schema, version);
    }

    /** Runs statements on this database (test set-up: rows as an older release left them). */
    public void execute(String... statements) {
        for (String sql : statements) {
            execute(dataSource, sql);
        }
    }

    /**
     * A grant store on this database whose events go to the outbox routed by {@code policy} (who hears them): as the
     * bot stores them, for tests that write grants directly.
     */
    public dev.breakglass.bot.persistence.JdbcGrantStore grants(dev.breakglass.policy.Policy policy) {
        return new dev.breakglass.bot.persistence.JdbcGrantStore(dataSource(),
                new dev.breakglass.bot.events.JdbcEventOutbox(dataSource(),
                        new dev.breakglass.bot.events.EventRoutes(policy), java.time.Clock.systemUTC()));
    }

    /** A grant store on this database, with no notify channels in its routing. */
    public dev.breakglass.bot.persistence.JdbcGrantStore grants() {
        return grants(policyNotifying(java.util.List.of()));
    }

    /** A one-target policy (orders-db, approved by U0BOB) that notifies {@code notify}: for routing events. */
    public static dev.breakglass.policy.Policy policyNotifying(java.util.List<dev.breakglass.policy.NotifyTarget> notify) {
        return new dev.breakglass.policy.Policy(new dev.breakglass.policy.Channels("C0APPROVALS", notify),
                java.util.Map.of("orders-db", dev.breakglass.policy.TargetPolicy.builder("orders-db", "webhook",
                        java.time.Duration.ofHours(1), java.util.List.of(new dev.breakglass.policy.Principal.UserId(
                                "U0BOB"))).build()));
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Properties that point a Micronaut application context at this database. */
    public Map<String, Object> properties() {
        return Map.of("datasources.default.url", url,
                "datasources.default.username", user,
                "datasources.default.password", password);
    }

    /** The environment that points a bot process at this database. */
    public Map<String, String> env() {
        return Map.of("BREAKGLASS_DB_URL", url, "BREAKGLASS_DB_USER", user, "BREAKGLASS_DB_PASSWORD", password);
    }

    /** The names of the tables in this database's own schema (PostgreSQL) or public schema (H2), sorted. */
    public java.util.List<String> tables() {
        java.util.List<String> names = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection();
             java.sql.ResultSet r = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
            while (r.next()) {
                names.add(r.getString("TABLE_NAME"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("listing tables: " + e.getMessage(), e);
        }
        java.util.Collections.sort(names);
        return names;
    }

    @Override
    public void close() {
        cleanup.run();
    }

    private static void execute(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}

package dev.breakglass.bot.adapter.postgres;

import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.util.PSQLException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One admin connection, opened per adapter call and closed after it (no pool: calls are rare and must not share
 * state). Every failure becomes a {@link Failure} whose message says what was being done and the server's reason,
 * never a statement: statements may carry password verifiers. Nothing here logs.
 *
 * <p>Limits per session: {@link #STATEMENT_TIMEOUT} per statement and {@link #LOCK_TIMEOUT} per lock wait, so a
 * stuck catalog lock fails the call (and it is retried) instead of hanging a revocation.
 */
final class AdminSession implements AutoCloseable {
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);
    /** How long a revoke waits for terminated sessions to be gone before it lets verify judge. */
    static final Duration TERMINATE_WAIT = Duration.ofSeconds(5);

    private final Connection connection;

    private AdminSession(Connection connection) {
        this.connection = connection;
    }

    /** Connects as the admin user within {@link PostgresSettings#connectTimeout()}. */
    static AdminSession open(PostgresSettings settings) throws Failure {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(settings.url().jdbcUrl());
        ds.setUser(settings.adminUser());
        if (!settings.adminPassword().isEmpty()) {
            ds.setPassword(settings.adminPassword());
        }
        int seconds = (int) Math.max(1, (settings.connectTimeout().toMillis() + 999) / 1000);
        ds.setConnectTimeout(seconds);
        ds.setLoginTimeout(seconds);
        // A dead server must not hold a call forever; generous, since statements have their own timeout.
        ds.setSocketTimeout((int) STATEMENT_TIMEOUT.toSeconds() * 2);
        ds.setApplicationName("breakglass");
        Connection c;
        try {
            c = ds.getConnection();
        } catch (SQLException e) {
            throw new Failure("could not connect to " + settings.url().origin() + " as " + settings.adminUser() + ": "
                    + reason(e), e.getSQLState());
        }
        AdminSession session = new AdminSession(c);
        try {
            session.query("SELECT set_config('statement_timeout', '" + STATEMENT_TIMEOUT.toMillis() + "', false), "
                    + "set_config('lock_timeout', '" + LOCK_TIMEOUT.toMillis() + "', false)", "set session timeouts");
        } catch (Failure f) {
            session.close();
            throw f;
        }
        return session;
    }

    /** Work in one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws Failure;
    }

    /**
     * Runs {@code work} in one transaction holding an advisory lock on {@code role}, so two calls about the same
     * role (two replicas, a retried job) take turns. Rolled back when {@code work} throws: catalog changes
     * ({@code CREATE ROLE}, {@code GRANT}, {@code COMMENT}, {@code ALTER ROLE}) are transactional, so nothing of a
     * failed step remains. Session terminations are not, by nature.
     */
    <T> T inTransaction(String role, Work<T> work) throws Failure {
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw new Failure("could not begin a transaction: " + reason(e), e.getSQLState());
        }
        boolean done = false;
        try {
            lock(role);
            T result = work.run();
            try {
                connection.commit();
            } catch (SQLException e) {
                throw new Failure("could not commit the changes to role " + role + ": " + reason(e), e.getSQLState());
            }
            done = true;
            return result;
        } finally {
            try {
                if (!done) {
                    connection.rollback();
                }
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // The connection is closed after the call anyway; the rollback happens with it.
            }
        }
    }

    /** Runs one statement that returns nothing; on failure the message is {@code could not <what>: <reason>}. */
    void execute(String sql, String what) throws Failure {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new Failure("could not " + what + ": " + reason(e), e.getSQLState());
        }
    }

    /** The role named exactly {@code name}, from {@code pg_roles} (readable by everyone). */
    Optional<RoleInfo> role(String name) throws Failure {
        String sql = "SELECT rolcanlogin, rolsuper, rolcreaterole, rolvaliduntil, "
                + "(rolvaliduntil IS NULL OR rolvaliduntil > now()) AS window_open, "
                + "shobj_description(oid, 'pg_authid') AS comment FROM pg_roles WHERE rolname = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp until = rs.getTimestamp("rolvaliduntil");
                return Optional.of(new RoleInfo(name, rs.getBoolean("rolcanlogin"), rs.getBoolean("rolsuper"),
                        rs.getBoolean("rolcreaterole"), Optional.ofNullable(until).map(Timestamp::toInstant),
                        rs.getBoolean("window_open"), rs.getString("comment")));
            }
        } catch (SQLException e) {
            throw new Failure("could not look up role " + name + ": " + reason(e), e.getSQLState());
        }
    }

    /** The roles {@code member} is a direct member of. */
    List<String> memberships(String member) throws Failure {
        String sql = "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
                + "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ? ORDER BY 1";
        return names(sql, member, "read the memberships of role " + member);
    }

    /**
     * The roles that are direct members of {@code role}, besides the admin user itself.
     */
    List<String> membersBesidesMe(String role) throws Failure {
        String sql = "SELECT u.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
                + "JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = ? AND u.rolname <> current_user ORDER BY 1";
        return names(sql, role, "read the members of role " + role);
    }

    /**
     * The attributes of {@code role} that give privileges: {@code SUPERUSER}, {@code LOGIN}, {@code CREATEROLE},
     * {@code CREATEDB}, {@code REPLICATION}, {@code BYPASSRLS}, in that order; empty when it has none (or does not
     * exist).
     */
    List<String> powers(String role) throws Failure {
        String sql = "SELECT a FROM pg_roles, LATERAL (VALUES (1, 'SUPERUSER', rolsuper), (2, 'LOGIN', rolcanlogin), "
                + "(3, 'CREATEROLE', rolcreaterole), (4, 'CREATEDB', rolcreatedb), (5, 'REPLICATION', rolreplication), "
                + "(6, 'BYPASSRLS', rolbypassrls)) AS v(n, a, has) WHERE rolname = ? AND has ORDER BY n";
        return names(sql, role, "read the attributes of role " + role);
    }

    /**
     * What {@code role} owns in this database and cluster-wide, from {@code pg_shdepend}, described as PostgreSQL
     * describes it ({@code function public.f(integer)}, {@code table app.fix}). Objects in other databases are not
     * listed: {@code REASSIGN OWNED} cannot reach them either.
     */
    List<Owned> owned(String role) throws Failure {
        String sql = "SELECT pg_describe_object(d.classid, d.objid, d.objsubid), p.oid IS NOT NULL, "
                + "p.oid::regprocedure::text, coalesce(p.prosecdef, false), "
                + "ARRAY(SELECT DISTINCT a.grantee::regrole::text FROM aclexplode(p.proacl) a "
                + "WHERE a.grantee <> 0 AND a.grantee <> p.proowner ORDER BY 1) "
                + "FROM pg_shdepend d LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid "
                + "AND p.prokind IN ('f', 'p') "
                + "WHERE d.refclassid = 'pg_authid'::regclass AND d.deptype = 'o' "
                + "AND d.refobjid = (SELECT oid FROM pg_roles WHERE rolname = ?) "
                + "AND d.dbid IN (0, (SELECT oid FROM pg_database WHERE datname = current_database())) ORDER BY 1";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, role);
            List<Owned> owned = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.sql.Array grantees = rs.getArray(5);
                    owned.add(new Owned(rs.getString(1), rs.getBoolean(2), rs.getString(3), rs.getBoolean(4),
                            grantees == null ? List.of() : List.of((String[]) grantees.getArray())));
                }
            }
            return owned;
        } catch (SQLException e) {
            throw new Failure("could not list the objects of role " + role + ": " + reason(e), e.getSQLState());
        }
    }

    /**
     * One object a role owns.
     *
     * @param description     PostgreSQL's words for it ({@code pg_describe_object})
     * @param routine         whether it is a function or procedure
     * @param signature       a routine's {@code regprocedure} text, usable in SQL; null for other objects
     * @param securityDefiner whether the routine runs as its owner
     * @param grantees        roles other than the owner (and PUBLIC) granted a privilege on the routine
     */
    record Owned(String description, boolean routine, String signature, boolean securityDefiner,
                 List<String> grantees) {
    }

    /** The admin's own name and whether it is a superuser. */
    RoleInfo self() throws Failure {
        String name = query("SELECT current_user", "read the admin user's name");
        return role(name).orElseThrow(() -> new Failure("the admin user " + name + " is not in pg_roles", null));
    }

    /** Whether the admin has the privileges of {@code role} (is a member that inherits it). */
    boolean hasRole(String role) throws Failure {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_has_role(?, 'USAGE')")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new Failure("could not check membership in " + role + ": " + reason(e), e.getSQLState());
        }
    }

    /** Whether the admin may set {@code log_statement} (PostgreSQL 15+ {@code GRANT SET ON PARAMETER}). */
    boolean maySetLogStatement() throws Failure {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT has_parameter_privilege('log_statement', 'SET')")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            if ("42883".equals(e.getSQLState())) {
                return false; // before PostgreSQL 15 only superusers may
            }
            throw new Failure("could not check the right to set log_statement: " + reason(e), e.getSQLState());
        }
    }

    /** How many sessions {@code role} has now, in any database. */
    int sessions(String role) throws Failure {
        try (PreparedStatement clear = connection.prepareStatement("SELECT pg_stat_clear_snapshot()");
             PreparedStatement ps = connection.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND pid <> pg_backend_pid()")) {
            // pg_stat_activity is a snapshot per transaction; a poll inside one would see the past.
            clear.execute();
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new Failure("could not count the sessions of role " + role + ": " + reason(e), e.getSQLState());
        }
    }

    /**
     * Terminates every session of {@code role}, in any database, and waits up to {@link #TERMINATE_WAIT} for them to
     * be gone ({@code pg_terminate_backend} only signals).
     *
     * @return how many sessions were signalled
     */
    int terminateSessions(String role) throws Failure {
        int signalled = 0;
        try (PreparedStatement clear = connection.prepareStatement("SELECT pg_stat_clear_snapshot()");
             PreparedStatement ps = connection.prepareStatement("SELECT pg_terminate_backend(pid) FROM "
                     + "pg_stat_activity WHERE usename = ? AND pid <> pg_backend_pid()")) {
            clear.execute();
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    signalled += rs.getBoolean(1) ? 1 : 0;
                }
            }
        } catch (SQLException e) {
            throw new Failure("could not terminate the sessions of role " + role + ": " + reason(e), e.getSQLState());
        }
        long deadline = System.nanoTime() + TERMINATE_WAIT.toNanos();
        while (signalled > 0 && sessions(role) > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return signalled;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing to do: the server ends the session, and any open transaction with it.
        }
    }

    private List<String> names(String sql, String arg, String what) throws Failure {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, arg);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        } catch (SQLException e) {
            throw new Failure("could not " + what + ": " + reason(e), e.getSQLState());
        }
    }

    private String query(String sql, String what) throws Failure {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new Failure("could not " + what + ": " + reason(e), e.getSQLState());
        }
    }

    /** Reads a result set. */
    @FunctionalInterface
    interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * Runs one query with {@code args} bound in order and reads its rows; on failure the message is
     * {@code could not <what>: <reason>} and the {@link Failure} carries the SQLSTATE (42501: no privilege).
     */
    <T> T select(String sql, String what, Rows<T> rows, Object... args) throws Failure {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rows.read(rs);
            }
        } catch (SQLException e) {
            throw new Failure("could not " + what + ": " + reason(e), e.getSQLState());
        }
    }

    /** The server's {@code now()}: the start of the current transaction, by the server's clock. */
    Instant now() throws Failure {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        } catch (SQLException e) {
            throw new Failure("could not read the server's time: " + reason(e), e.getSQLState());
        }
    }

    /** Takes the advisory lock of {@code role} too, until the end of the current transaction. */
    void lock(String role) throws Failure {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, lockKey(role));
            ps.execute();
        } catch (SQLException e) {
            throw new Failure("could not lock role " + role + " for this change: " + reason(e), e.getSQLState());
        }
    }

    /** A stable 64-bit key per role name, in a space of its own ("breakglass-role:" prefix). */
    static long lockKey(String role) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(("breakglass-role:" + role).getBytes(StandardCharsets.UTF_8));
            long key = 0;
            for (int i = 0; i < 8; i++) {
                key = (key << 8) | (h[i] & 0xff);
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The server's own sentence for an error (its primary message, without detail, hint or statement position),
     * or the driver's for a connection problem; anything shaped like a password verifier is blanked regardless.
     */
    static String reason(SQLException e) {
        String text = e instanceof PSQLException p && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getMessage() != null
                ? p.getServerErrorMessage().getMessage() : e.getMessage();
        if (text == null || text.isBlank()) {
            text = "no detail (SQLSTATE " + e.getSQLState() + ")";
        }
        text = text.replaceAll("(?i)(SCRAM-SHA-256|md5)\\S*", "(hidden)");
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    /**
     * A role as {@code pg_roles} has it.
     *
     * @param windowOpen whether {@code VALID UNTIL} is unset or still ahead, by the server's clock
     * @param comment    the role's comment, null when none
     */
    record RoleInfo(String name, boolean canLogin, boolean superuser, boolean createRole, Optional<Instant> validUntil,
                    boolean windowOpen, String comment) {
    }

    /** An admin operation failed; the message is safe to show (no statement, no secret). */
    static final class Failure extends Exception {
        private final String sqlState;

        Failure(String message, String sqlState) {
            super(message, null, false, false);
            this.sqlState = sqlState;
        }

        /** The SQLSTATE, e.g. {@code 2BP01} (objects depend on the role); null when there was none. */
        String sqlState() {
            return sqlState;
        }
    }
}

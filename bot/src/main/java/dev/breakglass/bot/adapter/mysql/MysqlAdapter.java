package dev.breakglass.bot.adapter.mysql;

import dev.breakglass.port.Credentials;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.RevokeReport;
import dev.breakglass.port.RevokeReport.LeftBehind;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code mysql} target (MySQL and MariaDB): one database account per grant.
 *
 * <ul>
 *   <li>{@link #grant}: creates {@link MysqlAccount} {@code 'bg_<n>_<slack id>'@'<host>'} with a fresh random
 *       password and {@code MAX_USER_CONNECTIONS}, then runs the role's {@link PrivilegeGrant}s. When the account
 *       already exists (the same grant provisioned again after a crash) its password is reset, it is unlocked, and
 *       its privileges are revoked and granted again, so it ends up exactly as configured. When anything fails
 *       after the account may exist, the account is removed before the exception is thrown.</li>
 *   <li>{@link #revoke}: locks every host variant of the account (no new session can start), kills its sessions,
 *       drops the stored objects it defined that would run as their definer ({@link DefinerObjects}, reported by
 *       {@link #revokeAndReport}), drops it, kills again whatever slipped in between, and waits up to {@link #SESSION_END_WAIT} for the killed
 *       sessions to end. Idempotent: an account that is already gone is fine. When the admin account may not kill
 *       a session, the account is still dropped before revoke fails saying so: an open session of a dropped
 *       account may keep privileges it has cached (MariaDB keeps its default database's), so only the kill ends
 *       access for sure.</li>
 *   <li>{@link #verifyRevoked}: true when no account of that user name exists (any host) and no session of it
 *       remains.</li>
 * </ul>
 * Neither MySQL nor MariaDB can make an account expire at a time (MySQL's password expiry lets the user set a new
 * password; MariaDB has no per-account {@code VALID UNTIL}), so the bot's revocation is what ends access; see
 * {@code docs/adapters-mysql.md}.
 *
 * <p>Every operation opens its own connection as {@code admin-user}. SQL is never logged; statements carrying a
 * password are never quoted in messages, and server messages are cleaned of it. The adapter is thread-safe.
 */
public final class MysqlAdapter implements TargetAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(MysqlAdapter.class);

    /** The longest any single statement may take (the driver's socket timeout). */
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(60);
    /** How long revoke waits for killed sessions to disappear from the process list. */
    static final Duration SESSION_END_WAIT = Duration.ofSeconds(5);

    private static final int ER_CANNOT_USER = 1396;
    private static final int ER_NO_SUCH_THREAD = 1094;
    private static final int ER_KILL_DENIED = 1095;

    private final String target;
    private final MysqlSettings settings;
    private final Clock clock;
    private final Supplier<String> passwords;
    private final org.mariadb.jdbc.Driver driver = new org.mariadb.jdbc.Driver();
    private final MysqlActivity activity;

    MysqlAdapter(String target, MysqlSettings settings, Clock clock, Supplier<String> passwords) {
        this.target = Objects.requireNonNull(target, "target");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        this.activity = new MysqlActivity(target, settings, () -> {
            try {
                return connect();
            } catch (Failure f) {
                throw new TargetException(f.getMessage());
            }
        });
    }

    /**
     * The statements of a grant's account: from the audit plugin's file, the general log table, or process list
     * samples ({@link MysqlActivity}); empty with {@code activity: off}.
     */
    @Override
    public Optional<dev.breakglass.port.ActivitySource> activity() {
        return settings.activity() == MysqlSettings.Capture.OFF ? Optional.empty() : Optional.of(activity);
    }

    /** The target this adapter serves. */
    public String target() {
        return target;
    }

    /** The settings in use (whose {@code toString} hides the admin password). */
    public MysqlSettings settings() {
        return settings;
    }

    /**
     * Creates (or, for a repeated grant, resets) the grant's account.
     *
     * @return the handle {@code {"user":…,"host":…}} and the credentials: host, port, database (when the URL names
     *         one), username, password and a connection string without the password
     * @throws TargetException when the window is already over, the role has no grants in the settings, the server
     *                         cannot be reached, or a statement is refused; the message says whether the half-made
     *                         account was removed
     */
    @Override
    public Provisioned grant(GrantRequest request) throws TargetException {
        Objects.requireNonNull(request, "request");
        String what = describe("grant", request);
        if (!request.expiresAt().isAfter(clock.instant())) {
            throw new TargetException(what + " failed: the access window already ended at " + request.expiresAt());
        }
        List<PrivilegeGrant> grants = settings.grantsFor(request.role()).orElseThrow(() -> new TargetException(what
                + " failed: " + request.role().map(r -> settings.roles().isEmpty()
                        ? "the role " + r + " has no grants: settings.roles is not set (default-grants serve "
                        + "requests without a role)"
                        : "the role " + r + " has no grants in settings.roles (it has "
                        + String.join(", ", settings.roles().keySet()) + ")")
                .orElse("the request names no role and settings.default-grants is not set")));
        MysqlAccount account = MysqlAccount.of(request.id(), request.slackUserId(), settings.host());
        String password = passwords.get();
        boolean existed;
        Connection c;
        try {
            c = connect();
        } catch (Failure f) {
            throw new TargetException(what + " failed: " + f.getMessage());
        }
        try (c) {
            existed = provision(c, account, password, grants);
        } catch (Failure | SQLException f) {
            String reason = f instanceof Failure ? f.getMessage() : "the connection failed: " + reason((SQLException) f);
            throw undo(what, reason, account);
        } catch (RuntimeException e) {
            // A bug, not the server: still nothing may be left half-made.
            throw undo(what, "unexpected " + e.getClass().getSimpleName(), account);
        }
        LOG.info("mysql grant {} on {}: account {} {} with {} ({} connections at most); the bot's revoke ends it at {}",
                request.id(), target, account, existed ? "reset" : "created", grants, settings.maxConnections(),
                request.expiresAt());
        return new Provisioned(request, account.handle(), Optional.of(credentials(account, password)));
    }

    /**
     * Makes the account as configured.
     *
     * <p>The password travels only in the shortest statements, {@code CREATE USER … IDENTIFIED BY} and
     * {@code ALTER USER … IDENTIFIED BY}, which every supported server parses: a server that refuses an option
     * answers with a syntax error quoting the statement ("near '…'"), and the driver logs server errors.
     *
     * @return whether the account existed already
     */
    private boolean provision(Connection c, MysqlAccount account, String password, List<PrivilegeGrant> grants)
            throws Failure {
        String identified = " IDENTIFIED BY " + MysqlSql.literal(password);
        boolean existed = hosts(c, account.user()).contains(account.host());
        if (!existed) {
            try {
                execute(c, "CREATE USER " + account.sql() + identified, "creating the account " + account, password);
            } catch (Failure f) {
                if (f.code != ER_CANNOT_USER) {
                    throw f;
                }
                existed = true; // made meanwhile: reset it like any existing one
            }
        }
        if (existed) {
            execute(c, "ALTER USER " + account.sql() + identified, "resetting the password of " + account, password);
            // A revoke that locked it and then failed must not leave the new credentials useless.
            execute(c, "ALTER USER " + account.sql() + " ACCOUNT UNLOCK", "unlocking " + account, null);
            // Start from nothing, so a retried grant ends up exactly as configured.
            execute(c, "REVOKE ALL PRIVILEGES, GRANT OPTION FROM " + account.sql(),
                    "clearing the privileges of " + account, null);
        }
        execute(c, "ALTER USER " + account.sql() + " WITH MAX_USER_CONNECTIONS " + settings.maxConnections(),
                "limiting the connections of " + account, null);
        for (PrivilegeGrant grant : grants) {
            execute(c, grant.sql(account), "GRANT " + grant, null);
        }
        return existed;
    }

    private Credentials credentials(MysqlAccount account, String password) {
        MysqlUrl url = settings.url();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("host", url.host());
        fields.put("port", Integer.toString(url.port()));
        url.database().ifPresent(db -> fields.put("database", db));
        fields.put("username", account.user());
        fields.put("password", password);
        fields.put("connection", "mysql://" + account.user() + "@" + url.hostAndPort() + "/" + url.database().orElse(""));
        return new Credentials(fields);
    }

    /** Removes a half-made account; the returned exception says what happened to both. */
    private TargetException undo(String what, String failure, MysqlAccount account) {
        try {
            remove(account);
            return new TargetException(what + " failed: " + failure + "; the account " + account.user()
                    + " was removed again");
        } catch (Failure f) {
            LOG.error("mysql: removing the half-made account {} on {} failed; drop it by hand", account, target);
            return new TargetException(what + " failed: " + failure + "; removing the half-made account "
                    + account.user() + " failed too (" + f.getMessage() + "), drop it by hand");
        }
    }

    /**
     * Locks, disconnects and drops the grant's account. An account or session that is already gone is fine.
     *
     * @throws TargetException when the handle is not this grant's, the server cannot be reached, or a statement is
     *                         refused (e.g. the admin account may not kill other users' sessions)
     */
    @Override
    public void revoke(Provisioned provisioned) throws TargetException {
        revokeAndReport(provisioned);
    }

    /**
     * Revokes, and reports the stored objects the account was the definer of ({@link DefinerObjects}): those that
     * would run as their definer are dropped before the account, the others kept.
     */
    @Override
    public RevokeReport revokeAndReport(Provisioned provisioned) throws TargetException {
        Objects.requireNonNull(provisioned, "provisioned");
        String what = describe("revoke", provisioned.request());
        MysqlAccount account = account(what, provisioned);
        try {
            Removal removal = remove(account);
            LOG.info("mysql revoke {} on {}: account {} {}, {} session(s) ended{}{}", provisioned.request().id(),
                    target, account.user(), removal.dropped ? "dropped" : "was already gone", removal.killed,
                    removal.lingering > 0 ? ", " + removal.lingering + " still ending" : "",
                    removal.leftBehind.isEmpty() ? "" : "; objects it defined: " + removal.leftBehind.stream()
                            .map(l -> l.object() + " " + l.outcome().substring(0, l.outcome().indexOf(':'))).toList());
            return new RevokeReport(removal.leftBehind);
        } catch (Failure f) {
            throw new TargetException(what + " failed: " + f.getMessage());
        }
    }

    /** No built-in end (an account lasts until it is dropped): an extension moves the bot's timer only. */
    @Override
    public Extending extending() {
        return Extending.NO_BUILT_IN_END;
    }

    /**
     * @return true when no account with the grant's user name exists (at any host) and none of its sessions remains
     * @throws TargetException when the handle is not this grant's or the server cannot be asked
     */
    @Override
    public boolean verifyRevoked(Provisioned provisioned) throws TargetException {
        Objects.requireNonNull(provisioned, "provisioned");
        String what = describe("verify", provisioned.request());
        MysqlAccount account = account(what, provisioned);
        try (Connection c = connect()) {
            int accounts = hosts(c, account.user()).size();
            int sessions = sessions(c, account.user()).size();
            if (accounts > 0 || sessions > 0) {
                LOG.warn("mysql verify {} on {}: account {} still has {} account row(s) and {} session(s)",
                        provisioned.request().id(), target, account.user(), accounts, sessions);
                return false;
            }
            return true;
        } catch (Failure f) {
            throw new TargetException(what + " failed: " + f.getMessage());
        } catch (SQLException e) {
            throw new TargetException(what + " failed: the connection failed: " + reason(e));
        }
    }

    @Override
    public String toString() {
        return "MysqlAdapter[target=" + target + ", server=" + settings.url().hostAndPort() + ", admin-user="
                + settings.adminUser() + "]";
    }

    private MysqlAccount account(String what, Provisioned provisioned) throws TargetException {
        try {
            return MysqlAccount.fromHandle(provisioned.handle(), provisioned.request(), settings.host());
        } catch (IllegalArgumentException e) {
            throw new TargetException(what + " failed: " + e.getMessage());
        }
    }

    /** What {@link #remove} did. */
    private record Removal(boolean dropped, int killed, int lingering, List<LeftBehind> leftBehind) {
    }

    /**
     * Lock every host variant, kill, drop, kill again, wait for the killed sessions to end. A refused kill does not
     * stop the drop; it is reported once the account is gone.
     */
    private Removal remove(MysqlAccount account) throws Failure {
        try (Connection c = connect()) {
            List<String> existing = hosts(c, account.user());
            Set<String> hosts = new LinkedHashSet<>(existing);
            hosts.add(account.host());
            for (String host : existing) {
                try {
                    // First, so that no new session starts while the old ones are killed.
                    execute(c, "ALTER USER " + account(account, host).sql() + " ACCOUNT LOCK",
                            "locking the account " + account.user() + "@" + host, null);
                } catch (Failure f) {
                    if (f.code != ER_CANNOT_USER) { // gone meanwhile is fine
                        throw f;
                    }
                }
            }
            int killed = 0;
            Failure killFailed = null;
            try {
                killed += kill(c, account.user());
            } catch (Failure f) {
                killFailed = f; // drop anyway: at least nobody can log in again, and verify reports the sessions
            }
            // Before the account goes: what it defined would run as whoever is made under its name later.
            List<LeftBehind> leftBehind = new ArrayList<>();
            for (DefinerObjects.Found f : definedBy(c, account.user())) {
                if (f.asDefiner()) {
                    execute(c, f.dropSql(), "dropping " + f.describe() + ", defined by " + account.user(), null);
                }
                leftBehind.add(DefinerObjects.outcome(f));
            }
            for (String host : hosts) {
                execute(c, "DROP USER IF EXISTS " + account(account, host).sql(),
                        "dropping the account " + account.user() + "@" + host, null);
            }
            try {
                killed += kill(c, account.user());
            } catch (Failure f) {
                killFailed = killFailed == null ? f : killFailed;
            }
            if (killFailed != null) {
                // A dropped account's open session may keep privileges it cached (its default database's, in
                // MariaDB), so this is a real failure, not a detail.
                throw new Failure(killFailed.getMessage() + "; the account was dropped, but its open sessions "
                        + "remain and may keep the privileges they had", killFailed.code);
            }
            return new Removal(!existing.isEmpty(), killed, awaitSessionsEnd(c, account.user()), leftBehind);
        } catch (SQLException e) {
            throw new Failure("the connection failed: " + reason(e), e.getErrorCode());
        }
    }

    private static MysqlAccount account(MysqlAccount account, String host) throws Failure {
        try {
            return account.at(host);
        } catch (IllegalArgumentException e) {
            throw new Failure("the account " + account.user() + " has a host pattern Breakglass does not make; "
                    + "drop it by hand", 0);
        }
    }

    /** Kills every session of {@code user}; one that ended meanwhile is fine. */
    private int kill(Connection c, String user) throws Failure {
        int killed = 0;
        for (long id : sessions(c, user)) {
            try {
                execute(c, "KILL CONNECTION " + id, "ending session " + id + " of " + user, null);
                killed++;
            } catch (Failure f) {
                if (f.code == ER_NO_SUCH_THREAD) {
                    continue;
                }
                if (f.code == ER_KILL_DENIED) {
                    throw new Failure(f.getMessage() + " (the admin account needs CONNECTION ADMIN, "
                            + "CONNECTION_ADMIN or SUPER to end other users' sessions)", f.code);
                }
                throw f;
            }
        }
        return killed;
    }

    /** @return how many sessions are still there after the wait */
    private int awaitSessionsEnd(Connection c, String user) throws Failure {
        long deadline = System.nanoTime() + SESSION_END_WAIT.toNanos();
        List<Long> left = sessions(c, user);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = sessions(c, user);
        }
        return left.size();
    }

    private List<DefinerObjects.Found> definedBy(Connection c, String user) throws Failure {
        try {
            return DefinerObjects.of(c, user);
        } catch (SQLException e) {
            throw new Failure("reading the stored objects defined by " + user + " was refused: " + reason(e),
                    e.getErrorCode());
        }
    }

    /** The hosts at which an account named {@code user} exists. */
    private List<String> hosts(Connection c, String user) throws Failure {
        List<String> hosts = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT Host FROM mysql.user WHERE User = ?")) {
            s.setString(1, user);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    hosts.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new Failure("reading mysql.user was refused: " + reason(e)
                    + " (the admin account needs SELECT on mysql.user)", e.getErrorCode());
        }
        return hosts;
    }

    /** The ids of {@code user}'s sessions. Without the PROCESS privilege the admin account sees only its own. */
    private List<Long> sessions(Connection c, String user) throws Failure {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?")) {
            s.setString(1, user);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new Failure("reading the process list was refused: " + reason(e), e.getErrorCode());
        }
        return ids;
    }

    /**
     * Runs one statement.
     *
     * @param step   what it does, for the message (never the SQL itself)
     * @param secret a password in the statement, removed from the server's message; null when none
     */
    private void execute(Connection c, String sql, String step, String secret) throws Failure {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new Failure(step + " was refused: " + reason(e, secret), e.getErrorCode());
        }
    }

    /** A connection as the admin account, ready for account statements. */
    private Connection connect() throws Failure {
        Properties p = new Properties();
        p.setProperty("user", settings.adminUser());
        p.setProperty("password", settings.adminPassword());
        p.setProperty("connectTimeout", Long.toString(settings.connectTimeout().toMillis()));
        p.setProperty("socketTimeout", Long.toString(STATEMENT_TIMEOUT.toMillis()));
        Connection c;
        try {
            c = driver.connect(settings.url().driverUrl(), p);
        } catch (SQLException e) {
            throw new Failure("could not connect to " + settings.url().hostAndPort() + " as " + settings.adminUser()
                    + ": " + reason(e), e.getErrorCode());
        }
        if (c == null) {
            throw new Failure("the driver does not accept the URL for " + settings.url().hostAndPort(), 0);
        }
        try (Statement s = c.createStatement()) {
            // MariaDB and MySQL 5.7 create a missing account on GRANT unless told not to; MySQL 8 never does and
            // refuses the mode, which is then fine to ignore.
            s.execute("SET SESSION sql_mode = IF(@@SESSION.sql_mode = '', 'NO_AUTO_CREATE_USER', "
                    + "CONCAT(@@SESSION.sql_mode, ',NO_AUTO_CREATE_USER'))");
        } catch (SQLException e) {
            LOG.debug("mysql: NO_AUTO_CREATE_USER not available on {} ({})", settings.url().hostAndPort(),
                    e.getErrorCode());
        }
        return c;
    }

    private String reason(SQLException e) {
        return reason(e, null);
    }

    /**
     * The server's or driver's message, safe to show: without the connection prefix, any echoed statement
     * ("Query is: …", "near '…'" when the statement held a password), the admin password and {@code secret}.
     */
    private String reason(SQLException e, String secret) {
        String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        m = m.replaceFirst("^\\(conn=\\d+\\)\\s*", "");
        int query = m.indexOf("Query is:");
        if (query >= 0) {
            m = m.substring(0, query).strip();
        }
        if (secret != null) {
            int near = m.indexOf("near '");
            if (near >= 0) {
                m = m.substring(0, near) + "near (the statement is not shown: it holds the password)";
            }
            m = m.replace(secret, "(hidden)");
        }
        if (settings.adminPassword().length() >= 4) {
            m = m.replace(settings.adminPassword(), "(hidden)");
        }
        m = m.replaceAll("\\s+", " ").strip();
        if (m.length() > 300) {
            m = m.substring(0, 300) + "…";
        }
        return e.getErrorCode() > 0 ? m + " (error " + e.getErrorCode() + ")" : m;
    }

    private String describe(String action, GrantRequest request) {
        return "mysql " + action + " " + request.id() + " on " + target;
    }

    /** A step that failed for good; the message is safe to show. */
    private static final class Failure extends Exception {
        final int code;

        Failure(String message, int code) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}

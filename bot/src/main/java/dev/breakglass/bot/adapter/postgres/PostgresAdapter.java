package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.adapter.postgres.AdminSession.Failure;
import dev.breakglass.bot.adapter.postgres.AdminSession.RoleInfo;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.RevokeReport;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The {@code postgres} target: PostgreSQL roles with {@code VALID UNTIL} the end of the window, per grant
 * ({@link PerGrantAccess}) or on one shared account ({@link SharedAccountAccess}); see
 * {@code docs/adapters-postgres.md}.
 *
 * <p>Every call opens one admin connection and closes it. Catalog changes happen in one transaction under an
 * advisory lock per role, so a failed grant leaves nothing half-made and two replicas take turns.
 *
 * <p>Edge cases:
 * <ul>
 *   <li>{@link #grant}: a policy role without a mapping in {@code settings.roles} is refused, as is a target
 *       without roles when there is no {@code default-role} (per-grant mode), and a window that has already
 *       ended.</li>
 *   <li>{@link #revoke} and {@link #verifyRevoked} follow the stored handle's mode and role; with the empty handle
 *       {@code {}} they use the configured mode and derive the role from the grant.</li>
 *   <li>{@link #extend} moves {@code VALID UNTIL} of the login (per-grant role or shared account) only while the
 *       grant still holds it: a role that is gone, disabled, or held by a later grant is refused, so an extension
 *       never revives ended access.</li>
 *   <li>{@link #rotate} does something only in shared-account mode.</li>
 * </ul>
 * Exception messages and logs name the operation, grant, target, roles and the server's reason: never a password,
 * a verifier or a statement. The adapter is thread-safe.
 */
public final class PostgresAdapter implements TargetAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresAdapter.class);

    private final String target;
    private final PostgresSettings settings;
    private final Clock clock;
    private final PerGrantAccess perGrant;
    private final SharedAccountAccess shared;
    private final PostgresActivity activity;

    PostgresAdapter(String target, PostgresSettings settings, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.perGrant = new PerGrantAccess(target, settings);
        this.shared = settings.mode() == PostgresMode.SHARED_ACCOUNT
                ? new SharedAccountAccess(target, settings, clock) : null;
        this.activity = new PostgresActivity(target, settings, clock);
    }

    /** The target this adapter serves. */
    public String target() {
        return target;
    }

    /** The settings in use (whose {@code toString} hides the password). */
    public PostgresSettings settings() {
        return settings;
    }

    /**
     * Makes a login that works until {@link GrantRequest#expiresAt()} and returns its credentials: host, port,
     * database, username, password, valid until, and {@code psql} and JDBC connection strings without the password.
     *
     * @throws TargetException saying what failed; nothing is left behind
     */
    @Override
    public Provisioned grant(GrantRequest request) throws TargetException {
        Objects.requireNonNull(request, "request");
        if (!request.expiresAt().isAfter(clock.instant())) {
            throw failed("grant", request, "the window already ended at " + time(request));
        }
        Optional<String> member = settings.pgRole(request.role());
        if (request.role().isPresent() && member.isEmpty()) {
            throw failed("grant", request, "the policy role " + request.role().get() + " has no PostgreSQL role in "
                    + "settings.roles" + (settings.roles().isEmpty() ? "" : " (mapped: "
                    + String.join(", ", new TreeSet<>(settings.roles().keySet())) + ")"));
        }
        if (member.isEmpty() && settings.mode() == PostgresMode.PER_GRANT) {
            throw failed("grant", request, "the target has no roles and settings.default-role is not set");
        }
        char[] password = Passwords.random();
        try {
            String verifier = Passwords.verifier(password);
            String login;
            // Where activity capture starts reading the server log (per-grant: the bot's clock; shared: the server's).
            Optional<Instant> since = Optional.of(clock.instant().truncatedTo(ChronoUnit.SECONDS));
            if (settings.mode() == PostgresMode.PER_GRANT) {
                login = perGrant.grant(request, member.get(), verifier);
                LOG.info("postgres grant {} on {}: role {} can log in until {}, member of {}{}", request.id(), target,
                        login, time(request), member.get(), settings.logStatements() ? ", statements logged" : "");
            } else {
                SharedAccountAccess.Taken taken = shared.grant(request, member, verifier);
                since = Optional.of(taken.since().truncatedTo(ChronoUnit.SECONDS));
                login = shared.account();
                LOG.info("postgres grant {} on {}: shared account {} can log in until {}{}{}{}", request.id(), target,
                        login, time(request), member.map(m -> ", member of " + m).orElse(""),
                        settings.logStatements() ? ", statements logged" : "",
                        taken.retry() ? " (new password for the same grant)" : "");
            }
            PostgresHandle handle = PostgresHandle.of(settings.mode(), login, member, since);
            return new Provisioned(request, handle.json(), Optional.of(credentials(request, login, password)));
        } catch (Failure f) {
            LOG.warn("postgres grant {} on {} failed: {}", request.id(), target, f.getMessage());
            throw failed("grant", request, f.getMessage());
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Disables the login, ends its sessions and removes it (per-grant) or rotates its password (shared). */
    @Override
    public void revoke(Provisioned provisioned) throws TargetException {
        revokeAndReport(provisioned);
    }

    /**
     * Revokes, and reports what a per-grant login still owned: each object now belongs to the orphan owner
     * ({@code settings.orphan-owner}), its functions and procedures no longer {@code SECURITY DEFINER} and executable
     * by nobody. Shared-account mode keeps what the account owns, but reports (and disarms the same way) its
     * {@code SECURITY DEFINER} routines.
     */
    @Override
    public RevokeReport revokeAndReport(Provisioned provisioned) throws TargetException {
        GrantRequest request = Objects.requireNonNull(provisioned, "provisioned").request();
        Target t = resolve("revoke", provisioned);
        try {
            if (t.mode() == PostgresMode.PER_GRANT) {
                PerGrantAccess.Removed removed = perGrant.revoke(request.id(), t.role());
                LOG.info("postgres revoke {} on {}: role {} {}, {} session(s) ended", request.id(), target, t.role(),
                        !removed.existed() ? "was already gone" : removed.dropped() ? "dropped"
                                : "disabled (it could not be dropped)", removed.ended());
                return new RevokeReport(removed.leftBehind());
            }
            SharedAccountAccess.Released released = sharedFor("revoke", request, t).revoke(request.id());
            LOG.info("postgres revoke {} on {}: shared account {} {}{}", request.id(), target, t.role(),
                    released.ended() < 0 ? "left alone (gone, or held by a later grant)"
                            : "disabled with a new unknown password, " + released.ended() + " session(s) ended",
                    released.disarmed().isEmpty() ? "" : "; SECURITY DEFINER routines it owns disarmed: "
                            + released.disarmed().stream().map(RevokeReport.LeftBehind::object).toList());
            return new RevokeReport(released.disarmed());
        } catch (Failure f) {
            LOG.warn("postgres revoke {} on {} failed: {}", request.id(), target, f.getMessage());
            throw failed("revoke", request, f.getMessage());
        }
    }

    /** Asks the server, as the admin: the login is gone or cannot log in, and none of its sessions is left. */
    @Override
    public boolean verifyRevoked(Provisioned provisioned) throws TargetException {
        GrantRequest request = Objects.requireNonNull(provisioned, "provisioned").request();
        Target t = resolve("verify", provisioned);
        try {
            boolean gone = t.mode() == PostgresMode.PER_GRANT ? perGrant.verify(t.role())
                    : sharedFor("verify", request, t).verify(request.id());
            if (!gone) {
                LOG.warn("postgres verify {} on {}: {} can still log in or has sessions", request.id(), target,
                        t.role());
            }
            return gone;
        } catch (Failure f) {
            throw failed("verify", request, f.getMessage());
        }
    }

    /** The login's {@code VALID UNTIL} is the end: an extension must move it. */
    @Override
    public Extending extending() {
        return Extending.MOVES_THE_END;
    }

    /**
     * Sets the login's {@code VALID UNTIL} (and its comment) to {@code newEnd}, in both modes, under the role's
     * advisory lock. The password and the handle stay; no new credentials.
     *
     * @throws TargetException when the login no longer holds this grant's access (gone, disabled, taken over) or
     *                         the server refused; the old end is then in force
     */
    @Override
    public Provisioned extend(Provisioned provisioned, Instant newEnd) throws TargetException {
        GrantRequest request = Objects.requireNonNull(provisioned, "provisioned").request();
        Objects.requireNonNull(newEnd, "newEnd");
        Target t = resolve("extend", provisioned);
        String q = Sql.identifier(t.role());
        try (AdminSession s = AdminSession.open(settings)) {
            s.inTransaction(t.role(), () -> {
                Optional<RoleInfo> info = s.role(t.role());
                if (info.isEmpty() || !info.get().canLogin()
                        || !GrantRoles.holder(info.get().comment()).equals(Optional.of(request.id()))) {
                    throw new Failure(t.role() + " no longer holds the access of " + request.id()
                            + " (gone, disabled or taken over); nothing was extended", null);
                }
                s.execute("ALTER ROLE " + q + " VALID UNTIL " + Sql.timestamp(newEnd),
                        "move the expiry of role " + t.role());
                s.execute("COMMENT ON ROLE " + q + " IS " + Sql.literal(GrantRoles.holderComment(request.id(),
                        request.slackUserId(), target, newEnd)), "mark role " + t.role() + " with the new end");
                return null;
            });
        } catch (Failure f) {
            LOG.warn("postgres extend {} on {} failed: {}", request.id(), target, f.getMessage());
            throw failed("extend", request, f.getMessage());
        }
        Provisioned moved = provisioned.endingAt(newEnd);
        LOG.info("postgres extend {} on {}: {} can log in until {}", request.id(), target, t.role(),
                time(moved.request()));
        return moved;
    }

    /**
     * The statements of a grant's login, from the server log or sampled ({@link PostgresActivity}); empty with
     * {@code activity: off}.
     */
    @Override
    public Optional<dev.breakglass.port.ActivitySource> activity() {
        return settings.activity() == PostgresSettings.ActivityCapture.OFF ? Optional.empty() : Optional.of(activity);
    }

    /** Shared-account mode: a fresh password nobody knows for the idle account. Per-grant mode: nothing to do. */
    @Override
    public void rotate() throws TargetException {
        if (shared == null) {
            return;
        }
        try {
            boolean rotated = shared.rotate();
            LOG.info("postgres rotate on {}: shared account {} {}", target, shared.account(),
                    rotated ? "has a new unknown password" : "left alone (gone, or held by a grant)");
        } catch (Failure f) {
            throw new TargetException("postgres rotate on " + target + " failed: " + f.getMessage());
        }
    }

    /**
     * Connects and checks what can be checked before the first grant: the admin can log in, create roles and end
     * sessions (and set {@code log_statement} when asked to), every configured role exists, and (per-grant mode) the
     * orphan owner exists and is safe, made when missing ({@link OrphanOwner}). What stands in the way of activity
     * capture is a warning ({@link PostgresActivity#problems}; an unreadable {@code activity-log-dir} is an error).
     * Then it finds out whether the server
     * checks a login's password and warns when it does not.
     *
     * @return what the password probe found
     * @throws IllegalArgumentException naming the setting at fault
     */
    PasswordCheckProbe.Result check() {
        try (AdminSession s = AdminSession.open(settings)) {
            AdminSession.RoleInfo self = s.self();
            if (!self.superuser()) {
                if (!self.createRole()) {
                    throw new IllegalArgumentException("settings.admin-user: " + settings.adminUser() + " may not "
                            + "create roles; ALTER ROLE " + settings.adminUser() + " CREATEROLE");
                }
                if (!s.hasRole("pg_signal_backend")) {
                    throw new IllegalArgumentException("settings.admin-user: " + settings.adminUser() + " may not end "
                            + "sessions; GRANT pg_signal_backend TO " + settings.adminUser());
                }
                if (settings.logStatements() && !s.maySetLogStatement()) {
                    throw new IllegalArgumentException("settings.log-statements: " + settings.adminUser() + " may not "
                            + "set log_statement; GRANT SET ON PARAMETER log_statement TO " + settings.adminUser()
                            + " (PostgreSQL 15+), or set log-statements: false");
                }
            }
            for (Map.Entry<String, String> e : settings.roles().entrySet()) {
                if (s.role(e.getValue()).isEmpty()) {
                    throw new IllegalArgumentException("settings.roles." + e.getKey() + ": the PostgreSQL role "
                            + e.getValue() + " does not exist on " + settings.url().origin());
                }
            }
            if (settings.defaultRole().isPresent() && s.role(settings.defaultRole().get()).isEmpty()) {
                throw new IllegalArgumentException("settings.default-role: the PostgreSQL role "
                        + settings.defaultRole().get() + " does not exist on " + settings.url().origin());
            }
            if (settings.account().isPresent() && s.role(settings.account().get()).isEmpty()) {
                throw new IllegalArgumentException("settings.account: the shared account " + settings.account().get()
                        + " does not exist on " + settings.url().origin() + "; create it with CREATE ROLE "
                        + settings.account().get() + " NOLOGIN");
            }
            for (String problem : activity.problems(s, self)) {
                LOG.warn("Target {}: activity capture: {}", target, problem);
            }
            if (settings.mode() == PostgresMode.PER_GRANT) {
                s.inTransaction(settings.orphanOwner(), () -> {
                    OrphanOwner.ensure(s, settings.orphanOwner());
                    return null;
                });
            }
        } catch (Failure f) {
            throw new IllegalArgumentException(f.getMessage().startsWith("settings.") ? f.getMessage()
                    : "settings.check-on-start: " + f.getMessage());
        }
        return passwordCheck();
    }

    /**
     * Whether the server asks a break-glass login for its password ({@link PasswordCheckProbe}); a WARN when it does
     * not, since {@code VALID UNTIL} and the password then hold nobody back. Never fails the start.
     */
    private PasswordCheckProbe.Result passwordCheck() {
        PasswordCheckProbe.Result result;
        try {
            result = PasswordCheckProbe.run(settings, clock);
        } catch (Failure f) {
            LOG.info("Target {}: could not find out whether {} checks the passwords of break-glass logins: {}",
                    target, settings.url().origin(), f.getMessage());
            return PasswordCheckProbe.Result.UNKNOWN;
        }
        switch (result) {
            case NOT_CHECKED -> LOG.warn("Target {}: {} let a new login in with a wrong password (trust "
                    + "authentication in pg_hba.conf, from the bot's host): the password and VALID UNTIL of a "
                    + "break-glass login are not enforced there, so its access ends only when the bot revokes it; use "
                    + "scram-sha-256 for the break-glass logins", target, settings.url().origin());
            case UNKNOWN -> LOG.info("Target {}: could not find out whether {} checks the passwords of break-glass "
                    + "logins", target, settings.url().origin());
            case CHECKED -> LOG.debug("Target {}: {} checks passwords", target, settings.url().origin());
        }
        return result;
    }

    @Override
    public String toString() {
        return "PostgresAdapter[target=" + target + ", url=" + settings.url().origin() + ", mode=" + settings.mode()
                + "]";
    }

    private Credentials credentials(GrantRequest request, String login, char[] password) {
        Map<String, String> fields = new LinkedHashMap<>();
        PostgresUrl url = settings.url();
        fields.put("host", url.host());
        fields.put("port", Integer.toString(url.port()));
        fields.put("database", url.database());
        fields.put("username", login);
        fields.put("password", new String(password));
        fields.put("valid until", time(request));
        fields.put("psql", url.psqlCommand(login));
        fields.put("jdbc", url.jdbcUrl(login));
        return new Credentials(fields);
    }

    /** The mode and login role a revoke or verify is about. */
    private record Target(PostgresMode mode, String role) {
    }

    private Target resolve(String action, Provisioned provisioned) throws TargetException {
        GrantRequest request = provisioned.request();
        PostgresHandle handle;
        try {
            handle = PostgresHandle.parse(provisioned.handle());
        } catch (IllegalArgumentException e) {
            throw failed(action, request, e.getMessage());
        }
        PostgresMode mode = handle.mode().orElse(settings.mode());
        String role = handle.role().orElseGet(() -> mode == PostgresMode.PER_GRANT
                ? GrantRoles.perGrantRole(request.id(), request.slackUserId())
                : settings.account().orElse(""));
        if (role.isEmpty()) {
            throw failed(action, request, "the stored handle names no role and settings.account is not set");
        }
        return new Target(mode, role);
    }

    /** The shared-account logic for the handle's account, which may differ from the one configured now. */
    private SharedAccountAccess sharedFor(String action, GrantRequest request, Target t) throws TargetException {
        if (shared != null && shared.account().equals(t.role())) {
            return shared;
        }
        try {
            return new SharedAccountAccess(target, settings.forAccount(t.role()), clock);
        } catch (IllegalArgumentException e) {
            throw failed(action, request, e.getMessage());
        }
    }

    private TargetException failed(String action, GrantRequest request, String reason) {
        return new TargetException("postgres " + action + " " + request.id() + " on " + target + " failed: " + reason);
    }

    private static String time(GrantRequest request) {
        return DateTimeFormatter.ISO_INSTANT.format(request.expiresAt().truncatedTo(ChronoUnit.SECONDS));
    }
}

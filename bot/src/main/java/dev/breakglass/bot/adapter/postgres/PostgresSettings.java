package dev.breakglass.bot.adapter.postgres;

import static dev.breakglass.bot.adapter.SettingText.kind;
import static dev.breakglass.bot.adapter.SettingText.quote;
import dev.breakglass.bot.adapter.AdapterSettings;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.command.DurationText;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One postgres target's settings, read from the policy's {@code settings} map by {@link #parse} at start. Nothing
 * here touches the network.
 *
 * <ul>
 *   <li>{@code url} (required): {@code jdbc:postgresql://host:port/database}, see {@link PostgresUrl}. May be a
 *       {@code ${NAME}} reference.</li>
 *   <li>{@code admin-user} (required): the role the adapter connects as. May be a reference.</li>
 *   <li>{@code admin-password} (optional): normally {@code ${NAME}}; a literal is accepted (with a warning at start);
 *       absent or {@code ""} means no password (trust or peer authentication, labs only).</li>
 *   <li>{@code mode}: {@code per-grant} (default) or {@code shared-account}.</li>
 *   <li>{@code roles}: policy role → PostgreSQL role granted for it. A policy role without an entry is refused at
 *       grant time. {@code default-role}: the PostgreSQL role for targets whose policy lists no roles. Per-grant
 *       mode needs at least one of them; in shared-account mode both are optional (without them the account keeps
 *       just its own privileges).</li>
 *   <li>{@code account} (required in shared-account mode, refused in per-grant mode): the shared account.</li>
 *   <li>{@code log-statements} (default true): {@code ALTER ROLE … SET log_statement = 'all'}.</li>
 *   <li>{@code connection-limit} (default 10, 1 to 1000): {@code CONNECTION LIMIT} of a per-grant role; the
 *       shared account's own limit is left alone.</li>
 *   <li>{@code connect-timeout} (default {@code 10s}, 1s to 2m): connecting and logging in, per call.</li>
 *   <li>{@code check-on-start} (default false): connect at start and check the admin's rights and the roles, make
 *       or check the orphan owner, and warn when the server does not check the break-glass login's password.</li>
 *   <li>{@code orphan-owner} (default {@value #DEFAULT_ORPHAN_OWNER}): the {@code NOLOGIN} role without privileges
 *       that receives what a per-grant login still owns at revoke. It must be a role of its own: not the admin,
 *       the shared account, or a mapped role.</li>
 *   <li>{@code activity} (default {@code log}): how the grant's statements are captured ({@link PostgresActivity}):
 *       {@code log} reads the server's own jsonlog/csvlog and falls back to sampling {@code pg_stat_activity} when
 *       the log cannot be read; {@code sampled} always samples; {@code off} captures nothing.</li>
 *   <li>{@code activity-log-dir} (optional, with {@code activity: log}): a folder where the bot itself can read the
 *       server's log files (same host or a mounted volume), instead of reading them through the admin connection
 *       ({@code pg_read_binary_file}).</li>
 * </ul>
 * Role names are PostgreSQL identifiers of 1 to 63 bytes without NUL; they are always quoted in SQL, so case and
 * any other character are kept as written. {@link #toString()} never shows the password.
 */
public record PostgresSettings(PostgresUrl url, String adminUser, String adminPassword, boolean adminPasswordLiteral,
                               PostgresMode mode, Map<String, String> roles, Optional<String> defaultRole,
                               Optional<String> account, boolean logStatements, int connectionLimit,
                               Duration connectTimeout, boolean checkOnStart, String orphanOwner,
                               ActivityCapture activity, Optional<java.nio.file.Path> activityLogDir) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMinutes(2);
    public static final int DEFAULT_CONNECTION_LIMIT = 10;
    /** The role that receives what a per-grant login left behind, unless {@code orphan-owner} names another. */
    public static final String DEFAULT_ORPHAN_OWNER = "breakglass_orphans";
    public static final int MAX_CONNECTION_LIMIT = 1000;
    /** PostgreSQL's NAMEDATALEN - 1: longer names are silently cut by the server, so they are refused here. */
    public static final int MAX_NAME_BYTES = 63;
    /** The keys {@link #parse} reads, in the order messages list them. */
    public static final List<String> KEYS = List.of("url", "admin-user", "admin-password", "mode", "roles",
            "default-role", "account", "log-statements", "connection-limit", "connect-timeout", "check-on-start", "orphan-owner",
            "activity", "activity-log-dir");

    public PostgresSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(adminUser, "adminUser");
        Objects.requireNonNull(adminPassword, "adminPassword");
        Objects.requireNonNull(mode, "mode");
        roles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        Objects.requireNonNull(defaultRole, "defaultRole");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(orphanOwner, "orphanOwner");
        Objects.requireNonNull(activity, "activity");
        Objects.requireNonNull(activityLogDir, "activityLogDir");
    }

    /** How a target captures what its grants do ({@code settings.activity}). */
    public enum ActivityCapture {
        /** The server log, or a sample where it cannot be read. The default. */
        LOG,
        /** Samples of {@code pg_stat_activity} only. */
        SAMPLED,
        /** Nothing. */
        OFF;

        /** The setting's value. */
        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The same settings naming {@code account} as the shared account (a handle's, which may differ from now's). */
    PostgresSettings forAccount(String account) {
        return new PostgresSettings(url, adminUser, adminPassword, adminPasswordLiteral, PostgresMode.SHARED_ACCOUNT,
                roles, defaultRole, Optional.of(account), logStatements, connectionLimit, connectTimeout, false,
                orphanOwner, activity, activityLogDir);
    }

    /**
     * Reads and checks the settings of one target.
     *
     * @param settings    the target's {@code settings} map as written in the policy; null counts as empty
     * @param environment where {@code ${NAME}} references are looked up
     * @throws IllegalArgumentException whose message starts with {@code settings.<key>} for the first problem; never
     *                                  containing the password
     */
    public static PostgresSettings parse(Map<String, ?> settings, EnvironmentVariables environment) {
        AdapterSettings given = new AdapterSettings("postgres", settings, environment);
        given.onlyKeys(KEYS);
        PostgresUrl url = PostgresUrl.parse(given.requiredText("url",
                "the database, e.g. jdbc:postgresql://db.internal:5432/orders"));
        String adminUser = name("admin-user", given.requiredText("admin-user",
                "the role Breakglass connects as, e.g. breakglass_admin"));
        Object rawPassword = given.get("admin-password");
        String adminPassword = "";
        boolean literal = false;
        if (rawPassword != null) {
            if (!(rawPassword instanceof String text)) {
                // Not echoed: it may be the password itself, written as a number.
                throw new IllegalArgumentException("settings.admin-password must be text, not " + kind(rawPassword)
                        + "; write it as ${NAME} and set the environment variable");
            }
            adminPassword = text.isEmpty() ? "" : given.resolve("admin-password", text);
            literal = !text.isEmpty() && !(text.startsWith("${") && text.endsWith("}"));
        }
        PostgresMode mode = mode(given.get("mode"));
        Map<String, String> roles = roles(given.get("roles"));
        Optional<String> defaultRole = optionalName(given, "default-role");
        Optional<String> account = optionalName(given, "account");
        if (mode == PostgresMode.SHARED_ACCOUNT && account.isEmpty()) {
            throw new IllegalArgumentException("settings.account is missing: shared-account mode needs the shared "
                    + "break-glass role, e.g. account: breakglass_oncall");
        }
        if (mode == PostgresMode.PER_GRANT && account.isPresent()) {
            throw new IllegalArgumentException("settings.account is only read in shared-account mode; remove it, "
                    + "or set mode: shared-account");
        }
        if (mode == PostgresMode.PER_GRANT && roles.isEmpty() && defaultRole.isEmpty()) {
            throw new IllegalArgumentException("settings.roles is missing: per-grant mode needs roles (policy role "
                    + "→ PostgreSQL role) or default-role, the role each break-glass login becomes a member of");
        }
        boolean logStatements = given.bool("log-statements", true);
        int connectionLimit = given.wholeNumber("connection-limit", DEFAULT_CONNECTION_LIMIT, 1, MAX_CONNECTION_LIMIT,
                null);
        if (mode == PostgresMode.SHARED_ACCOUNT && given.has("connection-limit")) {
            throw new IllegalArgumentException("settings.connection-limit is only read in per-grant mode; set the "
                    + "shared account's own CONNECTION LIMIT instead");
        }
        Duration timeout = given.duration("connect-timeout", DEFAULT_CONNECT_TIMEOUT, MAX_CONNECT_TIMEOUT, null);
        boolean check = given.bool("check-on-start", false);
        String orphanOwner = optionalName(given, "orphan-owner").orElse(DEFAULT_ORPHAN_OWNER);
        java.util.Set<String> taken = new java.util.LinkedHashSet<>(roles.values());
        defaultRole.ifPresent(taken::add);
        account.ifPresent(taken::add);
        taken.add(adminUser);
        if (taken.contains(orphanOwner)) {
            throw new IllegalArgumentException("settings.orphan-owner: " + quote(orphanOwner) + " is also the admin "
                    + "user, the shared account or a mapped role; name a role of its own that has no privileges, e.g. "
                    + DEFAULT_ORPHAN_OWNER);
        }
        ActivityCapture activity = activity(given.get("activity"));
        Optional<java.nio.file.Path> logDir = given.optionalText("activity-log-dir").map(java.nio.file.Path::of);
        if (logDir.isPresent() && activity != ActivityCapture.LOG) {
            throw new IllegalArgumentException("settings.activity-log-dir is only read with activity: log; remove it, "
                    + "or set activity: log");
        }
        if (logDir.isPresent() && !logDir.get().isAbsolute()) {
            throw new IllegalArgumentException("settings.activity-log-dir: " + quote(logDir.get().toString())
                    + " is not an absolute path; write the folder of the server's log files, e.g. "
                    + "/var/log/postgresql/orders");
        }
        return new PostgresSettings(url, adminUser, adminPassword, literal, mode, roles, defaultRole, account,
                logStatements, connectionLimit, timeout, check, orphanOwner, activity, logDir);
    }

    /**
     * The PostgreSQL role for a policy role, or for none.
     *
     * @return the mapped role; empty when there is none: the caller decides whether that is an error
     */
    public Optional<String> pgRole(Optional<String> policyRole) {
        return policyRole.isPresent() ? Optional.ofNullable(roles.get(policyRole.get())) : defaultRole;
    }

    /** Every PostgreSQL role a grant may give, {@code roles} values and {@code default-role}, without repeats. */
    public List<String> grantableRoles() {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(roles.values());
        defaultRole.ifPresent(all::add);
        return List.copyOf(all);
    }

    @Override
    public String toString() {
        return "PostgresSettings[url=" + url.origin() + ", admin-user=" + adminUser + ", admin-password="
                + (adminPassword.isEmpty() ? "(none)" : "(hidden)") + ", mode=" + mode + ", roles=" + roles
                + ", default-role=" + defaultRole.orElse("(none)") + ", account=" + account.orElse("(none)")
                + ", log-statements=" + logStatements + ", connection-limit=" + connectionLimit
                + ", connect-timeout=" + DurationText.format(connectTimeout) + ", check-on-start=" + checkOnStart + ", orphan-owner=" + orphanOwner + ", activity=" + activity.text()
                + activityLogDir.map(d -> ", activity-log-dir=" + d).orElse("") + "]";
    }

    private static Optional<String> optionalName(AdapterSettings settings, String key) {
        return settings.optionalText(key, "a PostgreSQL role name").map(text -> name(key, text));
    }

    /** A role name as PostgreSQL stores it: 1 to 63 bytes, no NUL, no control characters. */
    static String name(String key, String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("settings." + key + " is empty; write a PostgreSQL role name");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("settings." + key + ": " + quote(text) + " is longer than "
                    + MAX_NAME_BYTES + " bytes, the longest PostgreSQL name");
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("settings." + key + ": the role name contains control characters");
        }
        return text;
    }

    private static PostgresMode mode(Object value) {
        if (value == null) {
            return PostgresMode.PER_GRANT;
        }
        Optional<PostgresMode> mode = value instanceof String s ? PostgresMode.of(s) : Optional.empty();
        return mode.orElseThrow(() -> new IllegalArgumentException("settings.mode: "
                + (value instanceof String s ? quote(s) : value) + " is not a mode; write per-grant or shared-account"));
    }

    private static ActivityCapture activity(Object value) {
        if (value == null) {
            return ActivityCapture.LOG;
        }
        for (ActivityCapture c : ActivityCapture.values()) {
            if (c.text().equals(value)) {
                return c;
            }
        }
        throw new IllegalArgumentException("settings.activity: " + (value instanceof String s ? quote(s) : value)
                + " is not a capture; write log (the server log, sampled where it cannot be read), sampled or off");
    }

    private static Map<String, String> roles(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("settings.roles must be a map of policy role to PostgreSQL role, not "
                    + kind(value) + ", e.g. roles: { read-only: orders_ro, admin: orders_rw }");
        }
        Map<String, String> roles = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String policyRole = String.valueOf(e.getKey());
            String key = "roles." + policyRole;
            if (!(e.getValue() instanceof String pg)) {
                throw new IllegalArgumentException("settings." + key + " must be a PostgreSQL role name, not "
                        + (e.getValue() == null ? "empty" : kind(e.getValue())));
            }
            roles.put(policyRole, name(key, pg));
        }
        return roles;
    }


}

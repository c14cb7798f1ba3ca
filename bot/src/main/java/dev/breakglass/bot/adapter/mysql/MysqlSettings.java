package dev.breakglass.bot.adapter.mysql;

import static dev.breakglass.bot.adapter.SettingText.kind;
import static dev.breakglass.bot.adapter.SettingText.quote;
import dev.breakglass.bot.adapter.AdapterSettings;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.command.DurationText;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One mysql target's settings, read from the policy's {@code settings} map by {@link #parse}.
 *
 * <ul>
 *   <li>{@code url} (required): {@link MysqlUrl}; may be a {@code ${NAME}} reference.</li>
 *   <li>{@code admin-user} (required): the account the bot manages grants with; may be {@code ${NAME}}.</li>
 *   <li>{@code admin-password} (optional, default empty): {@code ${NAME}} (the variable must be set and not empty)
 *       or literal text; an empty literal means no password.</li>
 *   <li>{@code roles}: policy role → list of {@link PrivilegeGrant} entries, at least one each.</li>
 *   <li>{@code default-grants}: the entries for a request without a role (a target without roles). At least one of
 *       {@code roles} and {@code default-grants} is required.</li>
 *   <li>{@code host} (optional, default {@code %}): the host pattern of the accounts made, {@link MysqlAccount#HOST}.</li>
 *   <li>{@code connect-timeout} (optional, default 10s, at most 2m): per connection of the bot to the server.</li>
 *   <li>{@code max-connections} (optional, default 10, 1 to 1000): {@code MAX_USER_CONNECTIONS} of each account.</li>
 *   <li>{@code activity} (optional, default {@code auto}): how a grant's statements are captured
 *       ({@link MysqlActivity}): {@code audit-log}, {@code general-log}, {@code sampled}, {@code off}, or
 *       {@code auto} (the audit log when {@code activity-audit-log} is set, else the general log when the server
 *       writes it to its table, else samples).</li>
 *   <li>{@code activity-audit-log} (optional): the absolute path, as the bot sees it, of the file MariaDB's audit
 *       plugin writes ({@code server_audit_file_path}); required with {@code activity: audit-log}.</li>
 * </ul>
 * Which policy roles exist is not known here (the SPI hands over settings only): a role missing from {@code roles}
 * fails that grant, with a message naming the role.
 * {@link #toString()} never shows the admin password or the URL's options.
 */
public record MysqlSettings(MysqlUrl url, String adminUser, String adminPassword,
                            Map<String, List<PrivilegeGrant>> roles, Optional<List<PrivilegeGrant>> defaultGrants,
                            String host, Duration connectTimeout, int maxConnections, Capture activity,
                            Optional<java.nio.file.Path> auditLog) {
    public static final String DEFAULT_HOST = "%";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMinutes(2);
    public static final int DEFAULT_MAX_CONNECTIONS = 10;
    public static final int MAX_MAX_CONNECTIONS = 1000;
    /** The keys {@link #parse} reads, in the order messages list them. */
    public static final List<String> KEYS = List.of("url", "admin-user", "admin-password", "roles", "default-grants",
            "host", "connect-timeout", "max-connections", "activity", "activity-audit-log");

    /** How a target captures what its grants do ({@code settings.activity}). */
    public enum Capture {
        /** The best the server offers, chosen at each grant's first read. The default. */
        AUTO,
        /** The audit plugin's file ({@code activity-audit-log}). */
        AUDIT_LOG,
        /** {@code mysql.general_log}. */
        GENERAL_LOG,
        /** Samples of the process list. */
        SAMPLED,
        /** Nothing. */
        OFF;

        /** The setting's value. */
        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Role names as the policy allows them. */
    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public MysqlSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(adminUser, "adminUser");
        Objects.requireNonNull(adminPassword, "adminPassword");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(roles, "roles");
        Objects.requireNonNull(defaultGrants, "defaultGrants");
        // Copied in order: messages list the roles as the policy does.
        Map<String, List<PrivilegeGrant>> copy = new LinkedHashMap<>();
        roles.forEach((role, grants) -> copy.put(role, List.copyOf(grants)));
        roles = Collections.unmodifiableMap(copy);
        defaultGrants = defaultGrants.map(List::copyOf);
        if (roles.isEmpty() && defaultGrants.isEmpty()) {
            throw new IllegalArgumentException("settings.roles is missing: map each role to its grants, or give "
                    + "default-grants for a target without roles");
        }
    }

    /**
     * Reads and checks the settings of one target.
     *
     * @param settings    the target's {@code settings} map as written in the policy; null counts as empty
     * @param environment where {@code ${NAME}} references are looked up
     * @throws IllegalArgumentException whose message starts with {@code settings.<key>} for the first problem: an
     *                                  unknown key, a missing or mistyped value, a grant entry that is not
     *                                  {@code <privileges> ON <db>.<table|*>}, an unset variable. Messages never
     *                                  contain the admin password.
     */
    public static MysqlSettings parse(Map<String, ?> settings, EnvironmentVariables environment) {
        AdapterSettings given = new AdapterSettings("mysql", settings, environment);
        given.onlyKeys(KEYS);
        MysqlUrl url = MysqlUrl.parse(required(given, "url", "a JDBC URL like jdbc:mariadb://db.internal:3306/shop"));
        String adminUser = required(given, "admin-user", "the account that creates and drops grant accounts");
        String adminPassword = adminPassword(given);
        Map<String, List<PrivilegeGrant>> roles = roles(given.get("roles"));
        Optional<List<PrivilegeGrant>> defaultGrants = given.get("default-grants") == null ? Optional.empty()
                : Optional.of(grants("settings.default-grants", given.get("default-grants")));
        String host = host(given.get("host"));
        Duration timeout = given.duration("connect-timeout", DEFAULT_CONNECT_TIMEOUT, MAX_CONNECT_TIMEOUT, null);
        int maxConnections = maxConnections(given.get("max-connections"));
        Capture activity = capture(given.get("activity"));
        Optional<java.nio.file.Path> auditLog = given.optionalText("activity-audit-log").map(java.nio.file.Path::of);
        if (auditLog.isPresent() && !auditLog.get().isAbsolute()) {
            throw new IllegalArgumentException("settings.activity-audit-log: " + quote(auditLog.get().toString())
                    + " is not an absolute path; write the audit plugin's file as the bot sees it, e.g. "
                    + "/var/lib/mysql/server_audit.log");
        }
        if (activity == Capture.AUDIT_LOG && auditLog.isEmpty()) {
            throw new IllegalArgumentException("settings.activity-audit-log is missing: activity: audit-log reads the "
                    + "audit plugin's file, e.g. activity-audit-log: /var/lib/mysql/server_audit.log");
        }
        if (auditLog.isPresent() && activity != Capture.AUDIT_LOG && activity != Capture.AUTO) {
            throw new IllegalArgumentException("settings.activity-audit-log is only read with activity: audit-log or "
                    + "auto; remove it, or change activity");
        }
        return new MysqlSettings(url, adminUser, adminPassword, roles, defaultGrants, host, timeout, maxConnections,
                activity, auditLog);
    }

    /** The grants for a request's role: the role's entries, or {@code default-grants} when it has none. */
    Optional<List<PrivilegeGrant>> grantsFor(Optional<String> role) {
        return role.isPresent() ? Optional.ofNullable(roles.get(role.get())) : defaultGrants;
    }

    @Override
    public String toString() {
        return "MysqlSettings[url=" + url + ", admin-user=" + adminUser + ", admin-password=(hidden), roles="
                + roles + ", default-grants=" + defaultGrants.map(Object::toString).orElse("none") + ", host=" + host
                + ", connect-timeout=" + DurationText.format(connectTimeout) + ", max-connections=" + maxConnections
                + ", activity=" + activity.text() + auditLog.map(p -> ", activity-audit-log=" + p).orElse("") + "]";
    }

    private static Capture capture(Object value) {
        if (value == null) {
            return Capture.AUTO;
        }
        for (Capture c : Capture.values()) {
            if (c.text().equals(value)) {
                return c;
            }
        }
        throw new IllegalArgumentException("settings.activity: " + (value instanceof String s ? quote(s) : value)
                + " is not a capture; write auto, audit-log, general-log, sampled or off");
    }

    /** {@link AdapterSettings#requiredText}, where white space alone counts as empty too. */
    private static String required(AdapterSettings settings, String key, String what) {
        if (settings.get(key) instanceof String text && !text.isEmpty() && text.isBlank()) {
            throw AdapterSettings.fail(key, " is empty: " + what);
        }
        String resolved = settings.requiredText(key, what);
        if (resolved.isBlank()) {
            throw new IllegalArgumentException("settings." + key + " is blank: " + what);
        }
        return resolved;
    }

    private static String adminPassword(AdapterSettings settings) {
        Object value = settings.get("admin-password");
        if (value == null) {
            return "";
        }
        if (!(value instanceof String text)) {
            // Not echoed: a password written as a YAML number is still a password.
            throw new IllegalArgumentException("settings.admin-password must be text, not " + kind(value)
                    + "; quote it, or better write ${NAME} and set the variable");
        }
        return settings.resolve("admin-password", text);
    }

    private static Map<String, List<PrivilegeGrant>> roles(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("settings.roles must be a map of role → list of grants, not "
                    + kind(value) + ", like { read-only: [\"SELECT ON shop.*\"] }");
        }
        if (map.isEmpty()) {
            throw new IllegalArgumentException("settings.roles is empty; map each role to its grants, or leave it out "
                    + "and give default-grants");
        }
        Map<String, List<PrivilegeGrant>> roles = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String role) || !ROLE.matcher(role).matches()) {
                throw new IllegalArgumentException("settings.roles: " + quote(String.valueOf(e.getKey()))
                        + " is not a role name (letters, digits, -, _ and ., a letter or digit first, at most 63)");
            }
            roles.put(role, grants("settings.roles." + role, e.getValue()));
        }
        return roles;
    }

    private static List<PrivilegeGrant> grants(String setting, Object value) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(setting + " must be a list of grants, not " + kind(value)
                    + ", like [\"SELECT ON shop.*\"]");
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException(setting + " is empty; give at least one grant, like \"SELECT ON shop.*\"");
        }
        List<PrivilegeGrant> grants = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object entry = list.get(i);
            String at = setting + "[" + i + "]";
            if (!(entry instanceof String text)) {
                throw new IllegalArgumentException(at + " must be text like \"SELECT ON shop.*\", not " + kind(entry));
            }
            grants.add(PrivilegeGrant.parse(at, text));
        }
        return grants;
    }

    private static String host(Object value) {
        if (value == null) {
            return DEFAULT_HOST;
        }
        if (!(value instanceof String text) || !MysqlAccount.HOST.matcher(text).matches()) {
            throw new IllegalArgumentException("settings.host: " + (value instanceof String s ? quote(s) : kind(value))
                    + " is not a host pattern; write %, a host name, an address, a pattern like 10.0.% or "
                    + "10.0.0.0/255.255.0.0 (letters, digits, . % _ : / -)");
        }
        return text;
    }

    private static int maxConnections(Object value) {
        if (value == null) {
            return DEFAULT_MAX_CONNECTIONS;
        }
        BigInteger n = AdapterSettings.whole(value).orElse(null);
        if (n == null || n.signum() <= 0 || n.compareTo(BigInteger.valueOf(MAX_MAX_CONNECTIONS)) > 0) {
            throw AdapterSettings.fail("max-connections", ": " + AdapterSettings.shown(value)
                    + " is not a whole number from 1 to " + MAX_MAX_CONNECTIONS + "; write e.g. 10");
        }
        return n.intValue();
    }


}

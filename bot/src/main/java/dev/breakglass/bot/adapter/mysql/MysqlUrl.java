package dev.breakglass.bot.adapter.mysql;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the target's server is: {@code settings.url}, a JDBC URL {@code jdbc:mariadb://host[:port][/database][?options]}
 * or {@code jdbc:mysql://…} (the same, for MySQL; both are opened with the MariaDB driver, which speaks to both).
 *
 * <p>Edge cases: the port defaults to 3306; the database is optional (credentials then name none); an IPv6 host is
 * written in brackets ({@code jdbc:mariadb://[::1]:3306/shop}). Refused: other schemes, several hosts (failover lists:
 * one revocation must reach one server), user info before the host, and the options {@code user}, {@code password}
 * or any {@code password…} (the admin account comes from {@code admin-user} and {@code admin-password}, so a secret
 * is never part of a URL that messages show). Other options ({@code sslMode=verify-full}, …) are passed to the
 * driver as written.
 *
 * @param host     the server's host name or address, without brackets
 * @param port     the TCP port
 * @param database the database named in the path, if any
 * @param options  the query string without {@code ?}, possibly empty
 */
public record MysqlUrl(String host, int port, Optional<String> database, String options) {
    public static final int DEFAULT_PORT = 3306;

    /** Database names in a URL: what MySQL allows unquoted, plus {@code -}, at most 64 characters. */
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_$-]{1,64}");
    private static final Pattern OPTION = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*=[^&]*");

    public MysqlUrl {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(options, "options");
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("settings.url: no valid host and port");
        }
    }

    /**
     * Reads {@code settings.url}.
     *
     * @throws IllegalArgumentException starting with {@code settings.url} and saying what is wrong; the URL is
     *                                  quoted only up to its query string, which may hold an option value
     */
    public static MysqlUrl parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        String rest;
        if (lower.startsWith("jdbc:mariadb://")) {
            rest = text.substring("jdbc:mariadb://".length());
        } else if (lower.startsWith("jdbc:mysql://")) {
            rest = text.substring("jdbc:mysql://".length());
        } else {
            throw bad(text, "is not a MySQL or MariaDB JDBC URL; write jdbc:mariadb://host:3306/database "
                    + "or jdbc:mysql://host:3306/database");
        }
        int query = rest.indexOf('?');
        String options = query < 0 ? "" : rest.substring(query + 1);
        String authorityAndPath = query < 0 ? rest : rest.substring(0, query);
        int slash = authorityAndPath.indexOf('/');
        String authority = slash < 0 ? authorityAndPath : authorityAndPath.substring(0, slash);
        String path = slash < 0 ? "" : authorityAndPath.substring(slash + 1);
        if (authority.contains(",")) {
            throw bad(text, "names several hosts; name the one server whose accounts this target manages");
        }
        if (authority.contains("@")) {
            // Not quoted at all: the part before @ may be user:password.
            throw new IllegalArgumentException("settings.url carries user info (…@host); put the account in "
                    + "admin-user and admin-password instead");
        }
        if (authority.contains("(") || authority.contains("=")) {
            throw bad(text, "uses the address=(…) form; write host:port");
        }
        URI uri;
        try {
            uri = new URI("mysql://" + authority);
        } catch (URISyntaxException e) {
            throw bad(text, "has no valid host");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty() || uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            throw bad(text, "has no valid host");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        if (authority.endsWith(":")) {
            throw bad(text, "has an empty port");
        }
        if (port < 1 || port > 65535) {
            throw bad(text, "has a port outside 1 to 65535");
        }
        Optional<String> database = Optional.empty();
        if (!path.isEmpty()) {
            if (!DATABASE.matcher(path).matches()) {
                throw bad(text, "names a database that is not letters, digits, _, $ or - (at most 64)");
            }
            database = Optional.of(path);
        }
        if (!options.isEmpty()) {
            for (String option : options.split("&", -1)) {
                if (!OPTION.matcher(option).matches()) {
                    throw bad(text, "has a malformed option; write ?name=value&name=value");
                }
                String name = option.substring(0, option.indexOf('=')).toLowerCase(Locale.ROOT);
                if (name.equals("user") || name.equals("pwd") || name.startsWith("password")) {
                    throw bad(text, "carries the option " + name
                            + "; put the account in admin-user and admin-password instead");
                }
            }
        }
        return new MysqlUrl(host, port, database, options);
    }

    /** The URL the MariaDB driver opens (always the {@code jdbc:mariadb} scheme, which reaches MySQL too). */
    String driverUrl() {
        return "jdbc:mariadb://" + hostAndPort() + "/" + database.orElse("") + (options.isEmpty() ? "" : "?" + options);
    }

    /** {@code host:port}, an IPv6 host in brackets: what messages and logs may show. */
    public String hostAndPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        // No options: a TLS trust-store password or similar may sit there.
        return "jdbc:mariadb://" + hostAndPort() + "/" + database.orElse("");
    }

    private static IllegalArgumentException bad(String text, String problem) {
        int query = text.indexOf('?');
        String shown = query < 0 ? text : text.substring(0, query) + "?…";
        if (shown.length() > 80) {
            shown = shown.substring(0, 80) + "…";
        }
        return new IllegalArgumentException("settings.url: \"" + shown + "\" " + problem);
    }
}

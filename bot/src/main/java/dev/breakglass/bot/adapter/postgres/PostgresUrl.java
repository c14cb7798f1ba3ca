package dev.breakglass.bot.adapter.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the target database is: {@code jdbc:postgresql://host[:port]/database[?parameters]}, read once at start.
 *
 * <p>Edge cases: the port defaults to 5432; an IPv6 host is written in brackets ({@code [::1]}) and kept without
 * them in {@link #host()}. Refused: other schemes, no host, several hosts ({@code h1,h2}: the adapter talks to one
 * server), no database, and {@code user} or {@code password} parameters (they belong in {@code admin-user} and
 * {@code admin-password}, and a password in a URL ends up in logs). Other parameters ({@code sslmode=require}, …)
 * are kept and used for the admin connection and in the connection string given to the requester.
 *
 * @param host       host name or address, without brackets
 * @param port       TCP port
 * @param database   database name, decoded
 * @param parameters the query parameters, decoded, in order
 */
public record PostgresUrl(String host, int port, String database, Map<String, String> parameters) {
    public static final int DEFAULT_PORT = 5432;
    private static final String PREFIX = "jdbc:postgresql:";

    public PostgresUrl {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        if (host.isEmpty() || database.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("incomplete PostgreSQL address");
        }
    }

    /**
     * Reads {@code settings.url}.
     *
     * @throws IllegalArgumentException starting with {@code settings.url} saying what is wrong
     */
    public static PostgresUrl parse(String text) {
        String shown = dev.breakglass.bot.adapter.SettingText.quote(withoutSecrets(text));
        if (!text.startsWith(PREFIX + "//")) {
            throw new IllegalArgumentException("settings.url: " + shown + " is not a PostgreSQL JDBC URL; write "
                    + "jdbc:postgresql://host:5432/database");
        }
        URI uri;
        try {
            uri = new URI(text.substring("jdbc:".length()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("settings.url: " + shown + " is not a valid URL ("
                    + e.getReason() + ")");
        }
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        if (authority.contains(",")) {
            throw new IllegalArgumentException("settings.url: " + shown + " names several hosts; name the one "
                    + "primary server whose roles the adapter manages");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("settings.url: " + shown + " carries user info; use admin-user "
                    + "and admin-password");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("settings.url: " + shown + " has no valid host; write "
                    + "jdbc:postgresql://host:5432/database");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("settings.url: " + shown + " has a port out of range; ports are 1 to "
                    + "65535");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = path.startsWith("/") ? decode(path.substring(1)) : "";
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("settings.url: " + shown + " names no database; write "
                    + "jdbc:postgresql://host:5432/database");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("settings.url: " + shown + " has a #fragment; remove it");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                String lower = key.toLowerCase(Locale.ROOT);
                if (lower.equals("user") || lower.equals("password")) {
                    // Not echoing the URL here: it may carry the password.
                    throw new IllegalArgumentException("settings.url has a " + lower + " parameter; remove it and "
                            + "use admin-" + lower + (lower.equals("password") ? " (as ${NAME})" : ""));
                }
                parameters.put(key, value);
            }
        }
        return new PostgresUrl(host, uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(), database, parameters);
    }

    /** The JDBC URL, without any user: what the admin connects to. */
    public String jdbcUrl() {
        return jdbcUrl(null);
    }

    /** The JDBC URL for {@code user} (no password), with the configured parameters. */
    public String jdbcUrl(String user) {
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(hostForUrl()).append(':').append(port)
                .append('/').append(encode(database));
        char sep = '?';
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            url.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
            sep = '&';
        }
        if (user != null) {
            url.append(sep).append("user=").append(encode(user));
        }
        return url.toString();
    }

    /**
     * A {@code psql} command line for {@code user} (no password: psql asks for it), with {@code sslmode} when the URL
     * sets one. Values are quoted for libpq and the whole for a POSIX shell.
     */
    public String psqlCommand(String user) {
        StringBuilder conninfo = new StringBuilder()
                .append("host=").append(conninfoValue(host))
                .append(" port=").append(port)
                .append(" dbname=").append(conninfoValue(database))
                .append(" user=").append(conninfoValue(user));
        String sslmode = parameters.get("sslmode");
        if (sslmode != null && !sslmode.isEmpty()) {
            conninfo.append(" sslmode=").append(conninfoValue(sslmode));
        }
        return "psql \"" + conninfo.toString().replaceAll("([\"\\\\$`])", "\\\\$1") + "\"";
    }

    /** The text with any user info and {@code password} parameter blanked, so messages never echo a password. */
    static String withoutSecrets(String text) {
        return text.replaceAll("(?<=//)[^/?#]*@", "…@").replaceAll("(?i)(password=)[^&#]*", "$1…");
    }

    /** {@code host:port/database}: what messages and logs show. */
    public String origin() {
        return hostForUrl() + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "PostgresUrl[" + origin() + "]";
    }

    private String hostForUrl() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** libpq quotes a value with single quotes, escaping {@code '} and {@code \} with a backslash. */
    private static String conninfoValue(String value) {
        if (value.matches("[A-Za-z0-9._:-]+")) {
            return value;
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

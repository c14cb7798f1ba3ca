package dev.breakglass.bot.adapter.mysql;

import dev.breakglass.bot.json.JsonMappers;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantRequest;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The database account of one grant, {@code 'bg_<grant number>_<slack id in lower case>'@'<host>'}, which is also
 * the handle: {@code {"user":"bg_7_u0alice","host":"%"}}.
 *
 * <p>Naming edge cases: the name is at most {@link #MAX_USER_LENGTH} characters (MySQL's limit; MariaDB allows 80):
 * a long Slack id is cut, which keeps the name unique because the grant number comes first and is never cut. Only
 * ASCII letters and digits of the Slack id are kept (Slack ids are {@code [A-Z0-9]}); when none remain the name is
 * {@code bg_<n>}. The same grant always gets the same name, so a retried grant finds its account again and a revoke
 * works from the grant alone when the handle is lost ({@code {}}).
 *
 * @param user the account's user name: {@code bg_<n>} or {@code bg_<n>_<suffix>}, lower-case letters and digits
 * @param host the account's host pattern ({@link #HOST})
 */
public record MysqlAccount(String user, String host) {
    /** MySQL's longest user name. */
    public static final int MAX_USER_LENGTH = 32;
    /** Host patterns: names, addresses, {@code %} and {@code _} wildcards, {@code addr/mask}; at most 255. */
    public static final Pattern HOST = Pattern.compile("[A-Za-z0-9.%_:/-]{1,255}");

    private static final Pattern USER = Pattern.compile("bg_([1-9][0-9]{0,17})(?:_[a-z0-9]+)?");
    private static final JsonMapper MAPPER = JsonMappers.standard();

    public MysqlAccount {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(host, "host");
        if (user.length() > MAX_USER_LENGTH || !USER.matcher(user).matches()) {
            throw new IllegalArgumentException("not a Breakglass account name");
        }
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("not a valid account host pattern");
        }
    }

    /** The account for a grant: {@code bg_<n>_<slack id>}, cut to 32 characters. */
    public static MysqlAccount of(GrantId id, String slackUserId, String host) {
        String prefix = "bg_" + id.value();
        String suffix = slackUserId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        int room = MAX_USER_LENGTH - prefix.length() - 1;
        if (suffix.isEmpty() || room < 1) {
            return new MysqlAccount(prefix, host);
        }
        return new MysqlAccount(prefix + "_" + suffix.substring(0, Math.min(room, suffix.length())), host);
    }

    /**
     * The account a stored handle names. A blank handle or {@code {}} means the grant's own account at
     * {@code defaultHost} (the handle was lost, or the grant failed before one was stored).
     *
     * @throws IllegalArgumentException when the handle is not {@code {"user":…,"host":…}} with a valid account that
     *                                  belongs to this grant; the message quotes no handle text
     */
    public static MysqlAccount fromHandle(String handle, GrantRequest request, String defaultHost) {
        MysqlAccount own = of(request.id(), request.slackUserId(), defaultHost);
        if (handle.isBlank()) {
            return own;
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(handle);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the stored handle is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the stored handle is not a JSON object");
        }
        if (node.isEmpty()) {
            return own;
        }
        JsonNode user = node.get("user");
        JsonNode host = node.get("host");
        if (user == null || !user.isTextual() || host == null || !host.isTextual() || node.size() != 2) {
            throw new IllegalArgumentException("the stored handle is not {\"user\": …, \"host\": …}");
        }
        MysqlAccount account;
        try {
            account = new MysqlAccount(user.asText(), host.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the stored handle names an account Breakglass does not make ("
                    + e.getMessage() + ")");
        }
        // A handle can only ever name its own grant's account: a row edited by hand must not drop someone else.
        if (!grantNumber(account.user).equals(Optional.of(request.id().value()))) {
            throw new IllegalArgumentException("the stored handle names the account of another grant");
        }
        return account;
    }

    /** The grant number in a Breakglass account name, if it is one. */
    static Optional<Long> grantNumber(String user) {
        var m = USER.matcher(user);
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** The handle stored with the grant; contains nothing secret. */
    public String handle() {
        // Both values are whitelisted (no quote or backslash), so no escaping is needed.
        return "{\"user\":\"" + user + "\",\"host\":\"" + host + "\"}";
    }

    /** {@code 'user'@'host'} for statements. */
    String sql() {
        return MysqlSql.literal(user) + "@" + MysqlSql.literal(host);
    }

    /** The same user at another host. */
    MysqlAccount at(String otherHost) {
        return new MysqlAccount(user, otherHost);
    }

    @Override
    public String toString() {
        return user + "@" + host;
    }
}

package dev.breakglass.bot.adapter.mysql;

import static dev.breakglass.bot.adapter.SettingText.quote;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of a role's grants in the policy, {@code <privileges> ON <database>.<table>} or
 * {@code <privileges> ON <database>.*}, e.g. {@code SELECT ON shop.*} or {@code SELECT, INSERT ON shop.orders}.
 *
 * <p>The entry is read strictly and turned back into SQL from its parts ({@link #sql}), so no policy text reaches
 * the server as written:
 * <ul>
 *   <li>privileges: a comma-separated list from {@link #DATABASE_PRIVILEGES}, any case and spacing; {@code ALL}
 *       (or {@code ALL PRIVILEGES}) stands alone. Global and administrative privileges ({@code SUPER}, {@code FILE},
 *       {@code PROCESS}, {@code CREATE USER}, …), {@code GRANT OPTION}, {@code PROXY}, roles and column lists
 *       ({@code SELECT (a, b)}) are refused.</li>
 *   <li>on a single table only {@link #TABLE_PRIVILEGES} apply ({@code EXECUTE ON shop.orders} is refused here, not
 *       by the server at the first emergency).</li>
 *   <li>database and table: letters, digits, {@code _} and {@code $}, at most 64 characters, optionally in
 *       backticks, which also allow {@code -}. {@code *} only as the table. The system schemas {@code mysql},
 *       {@code information_schema}, {@code performance_schema} and {@code sys} are refused: rights there reach
 *       accounts and password hashes, or are meaningless.</li>
 *   <li>nothing may follow the target: {@code WITH GRANT OPTION}, {@code TO …}, {@code ;}, comments are refused.</li>
 * </ul>
 * In a database-wide grant, {@code _} in the database name is escaped ({@code `shop\_eu`.*}): the server would
 * otherwise read it as a one-character wildcard, and {@code shop_eu.*} would also open {@code shopXeu}.
 *
 * @param privileges upper case, single-spaced, in the order written, without duplicates
 * @param database   the database name as written (without backticks)
 * @param table      the table name, or empty for every table of the database ({@code *})
 */
public record PrivilegeGrant(List<String> privileges, String database, Optional<String> table) {

    /** Privileges that may be granted on a whole database. */
    public static final Set<String> DATABASE_PRIVILEGES = Set.of(
            "ALL", "ALL PRIVILEGES", "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "INDEX",
            "REFERENCES", "CREATE TEMPORARY TABLES", "LOCK TABLES", "EXECUTE", "CREATE VIEW", "SHOW VIEW",
            "CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "TRIGGER", "DELETE HISTORY");

    /** Privileges that may be granted on one table. */
    public static final Set<String> TABLE_PRIVILEGES = Set.of(
            "ALL", "ALL PRIVILEGES", "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "INDEX",
            "REFERENCES", "CREATE VIEW", "SHOW VIEW", "TRIGGER", "DELETE HISTORY");

    private static final Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "information_schema", "performance_schema",
            "sys");
    private static final Pattern SHAPE = Pattern.compile("(?is)\\s*(.*?)\\s+ON\\s+(.*?)\\s*");
    private static final String NAME = "(?:([A-Za-z0-9_$]{1,64})|`([A-Za-z0-9_$-]{1,64})`)";
    private static final Pattern TARGET = Pattern.compile(NAME + "\\s*\\.\\s*(?:(\\*)|" + NAME + ")");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_$-]{1,64}");
    private static final Pattern PRIVILEGE = Pattern.compile("[A-Za-z]+(?:\\s+[A-Za-z]+)*");

    public PrivilegeGrant {
        privileges = List.copyOf(privileges);
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(table, "table");
        Set<String> allowed = table.isEmpty() ? DATABASE_PRIVILEGES : TABLE_PRIVILEGES;
        if (privileges.isEmpty() || !allowed.containsAll(privileges) || new LinkedHashSet<>(privileges).size()
                != privileges.size()) {
            throw new IllegalArgumentException("not a valid privilege list: " + privileges);
        }
        if (!PLAIN.matcher(database).matches() || table.isPresent() && !PLAIN.matcher(table.get()).matches()) {
            throw new IllegalArgumentException("not a valid database or table name");
        }
    }

    /**
     * Reads one entry.
     *
     * @param setting where the entry is, for messages, e.g. {@code settings.roles.read-only[0]}
     * @throws IllegalArgumentException starting with {@code setting} and saying what is wrong and how to write it
     */
    public static PrivilegeGrant parse(String setting, String text) {
        Matcher shape = SHAPE.matcher(text);
        if (!shape.matches() || shape.group(1).isEmpty()) {
            throw new IllegalArgumentException(setting + ": " + quote(text) + " is not <privileges> ON <database>.<table>"
                    + " or <privileges> ON <database>.*, like \"SELECT ON shop.*\"");
        }
        Matcher target = TARGET.matcher(shape.group(2));
        if (!target.matches()) {
            throw new IllegalArgumentException(setting + ": " + quote(text) + " does not end in <database>.<table> or "
                    + "<database>.*, with names of letters, digits, _ and $ (in `backticks` also -), and nothing after "
                    + "it (no WITH GRANT OPTION, TO, ; or comments)");
        }
        String database = target.group(1) != null ? target.group(1) : target.group(2);
        Optional<String> table = target.group(3) != null ? Optional.empty()
                : Optional.of(target.group(4) != null ? target.group(4) : target.group(5));
        if (SYSTEM_SCHEMAS.contains(database.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(setting + ": " + quote(text) + " is on the system schema " + database
                    + "; grants there reach accounts and password hashes, so they are not handed out");
        }
        List<String> privileges = new ArrayList<>();
        for (String part : shape.group(1).split(",", -1)) {
            String privilege = part.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            if (!PRIVILEGE.matcher(privilege).matches()) {
                throw new IllegalArgumentException(setting + ": " + quote(text) + " has " + (privilege.isEmpty()
                        ? "an empty privilege" : "the privilege " + quote(part.strip()) + ", which is not a privilege name")
                        + " (column lists are not supported); write them separated by commas, like SELECT, INSERT");
            }
            if (!DATABASE_PRIVILEGES.contains(privilege)) {
                throw new IllegalArgumentException(setting + ": " + quote(text) + " names " + privilege
                        + ", which is not handed out; allowed: " + String.join(", ", sorted(DATABASE_PRIVILEGES)));
            }
            if (table.isPresent() && !TABLE_PRIVILEGES.contains(privilege)) {
                throw new IllegalArgumentException(setting + ": " + quote(text) + " grants " + privilege
                        + " on one table, but it applies to whole databases only; write ON " + database + ".*");
            }
            if (privileges.contains(privilege)) {
                throw new IllegalArgumentException(setting + ": " + quote(text) + " names " + privilege + " twice");
            }
            privileges.add(privilege);
        }
        if (privileges.size() > 1 && (privileges.contains("ALL") || privileges.contains("ALL PRIVILEGES"))) {
            throw new IllegalArgumentException(setting + ": " + quote(text) + " combines ALL with other privileges; "
                    + "ALL already includes them, write it alone");
        }
        return new PrivilegeGrant(privileges, database, table);
    }

    /** The statement granting this to {@code account}. Every part is whitelisted; the names are quoted anyway. */
    String sql(MysqlAccount account) {
        String on = table.map(t -> MysqlSql.identifier(database) + "." + MysqlSql.identifier(t))
                // A database-wide grant reads _ and % as wildcards: escape _ (% is not allowed in names).
                .orElseGet(() -> MysqlSql.identifier(database.replace("_", "\\_")) + ".*");
        return "GRANT " + String.join(", ", privileges) + " ON " + on + " TO " + account.sql();
    }

    /** The entry in its normal form, e.g. {@code SELECT, INSERT ON shop.orders}. */
    @Override
    public String toString() {
        return String.join(", ", privileges) + " ON " + database + "." + table.orElse("*");
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

}

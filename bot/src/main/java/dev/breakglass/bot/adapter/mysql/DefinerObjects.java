package dev.breakglass.bot.adapter.mysql;

import dev.breakglass.port.RevokeReport.LeftBehind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Stored objects whose {@code DEFINER} is a grant's account: stored procedures and functions, views, triggers and
 * events, found in {@code information_schema} before the account is dropped.
 *
 * <p>The ones that run with their definer's privileges — routines and views with {@code SQL SECURITY DEFINER},
 * every trigger and every event — are dropped. Left in place they would have a dangling definer: they fail while no
 * account of that name exists, and run with the privileges of any account later made under that name (a DBA, or a
 * re-created grant), so whoever can call a routine, read a view, write a table or wait for an event would borrow
 * them. Neither MySQL nor MariaDB can change a routine's or a trigger's definer in place; re-creating them from
 * {@code SHOW CREATE} under a locked account would run their text again under another {@code sql_mode} and
 * character set, for objects that cannot run anyway once their definer is gone. So they are dropped, and the
 * revoke's report names each one. Routines and views with {@code SQL SECURITY INVOKER} run with the caller's
 * privileges: they are kept, and named too.
 */
final class DefinerObjects {
    /** One stored object: its kind, schema and name, and whether it runs as its definer. */
    record Found(String kind, String schema, String name, boolean asDefiner) {
        /** {@code DROP <kind> IF EXISTS `schema`.`name`}. */
        String dropSql() {
            return "DROP " + kind.toUpperCase(java.util.Locale.ROOT) + " IF EXISTS " + MysqlSql.anyIdentifier(schema)
                    + "." + MysqlSql.anyIdentifier(name);
        }

        String describe() {
            return kind + " " + schema + "." + name;
        }
    }

    private static final String[] QUERIES = {
        "SELECT LOWER(ROUTINE_TYPE), ROUTINE_SCHEMA, ROUTINE_NAME, SECURITY_TYPE = 'DEFINER' FROM "
                + "information_schema.ROUTINES WHERE SUBSTRING_INDEX(DEFINER, '@', 1) = ?",
        "SELECT 'view', TABLE_SCHEMA, TABLE_NAME, SECURITY_TYPE = 'DEFINER' FROM information_schema.VIEWS "
                + "WHERE SUBSTRING_INDEX(DEFINER, '@', 1) = ?",
        "SELECT 'trigger', TRIGGER_SCHEMA, TRIGGER_NAME, TRUE FROM information_schema.TRIGGERS "
                + "WHERE SUBSTRING_INDEX(DEFINER, '@', 1) = ?",
        "SELECT 'event', EVENT_SCHEMA, EVENT_NAME, TRUE FROM information_schema.EVENTS "
                + "WHERE SUBSTRING_INDEX(DEFINER, '@', 1) = ?",
    };

    private DefinerObjects() {
    }

    /** Every stored object whose definer is {@code user} at any host, as far as the admin account can see. */
    static List<Found> of(Connection c, String user) throws SQLException {
        List<Found> found = new ArrayList<>();
        for (String sql : QUERIES) {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, user);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        found.add(new Found(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
                    }
                }
            }
        }
        return found;
    }

    /** What the report says about an object: dropped, or kept because it runs as its caller. */
    static LeftBehind outcome(Found f) {
        return new LeftBehind(f.describe(), f.asDefiner()
                ? "dropped: it would run as its definer, the grant's account (SQL SECURITY DEFINER)"
                : "kept: it runs with its caller's privileges (SQL SECURITY INVOKER)");
    }
}

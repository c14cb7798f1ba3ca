package dev.breakglass.bot.adapter.mysql;

import dev.breakglass.activity.Activity;
import dev.breakglass.activity.Completeness;
import dev.breakglass.activity.SecretMask;
import dev.breakglass.bot.adapter.LogTail;
import dev.breakglass.bot.adapter.mysql.MysqlSettings.Capture;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a grant's account did on a mysql target, for {@link MysqlAdapter#activity()}. Three captures, in the order
 * {@code activity: auto} tries them at a grant's first read (then kept for that grant, so its lines never mix):
 * <ol>
 *   <li><b>The audit plugin's file</b> ({@code activity-audit-log}; MariaDB's {@code server_audit} with
 *       {@code server_audit_output_type=file}, {@code server_audit_events} including {@code CONNECT,QUERY}):
 *       {@link Completeness#COMPLETE}, source {@code mysql-audit}. The bot reads the file itself (same host or a
 *       mounted folder); the plugin writes the server's local time to the second, converted with the server's
 *       current UTC offset. The plugin hides passwords in the statements it logs ({@code *****}). Rotation
 *       ({@code server_audit_file_rotate_size}) renames the file to {@code .1}, {@code .2}, …: the position holds the
 *       file's inode, so a read finishes the renamed file before going on.</li>
 *   <li><b>The general log as a table</b> ({@code general_log=ON}, {@code log_output} including {@code TABLE}):
 *       {@link Completeness#COMPLETE}, source {@code mysql-general-log}; the admin needs {@code SELECT} on
 *       {@code mysql.general_log}. The server logs every statement of every account there, and the table is never
 *       cut by the server: see docs/adapters-mysql.md.</li>
 *   <li><b>Samples of the process list</b> ({@code information_schema.PROCESSLIST}; the admin needs
 *       {@code PROCESS}): the statement each session is running at the moment of a read, once,
 *       {@link Completeness#SAMPLED}, source {@code mysql-processlist}. Only statements still running when the bot
 *       looks are seen: most short ones are missed.</li>
 * </ol>
 * {@code performance_schema} is not read: it is off by default on MariaDB, takes a restart to turn on, and keeps
 * the last few statements per thread only, a sample as well.
 *
 * <p>Whose statements: those of the grant's account (its user name, any host), also after revoke until its
 * sessions are killed. Positions: {@code audit:<inode>:<offset>}, {@code general:<µs>:<rows at that µs taken>},
 * {@code sample:<µs>}; one that cannot be parsed starts afresh.
 */
final class MysqlActivity implements ActivitySource {
    private static final Logger LOG = LoggerFactory.getLogger(MysqlActivity.class);
    /** Most rows of the general log or bytes of the audit file one read takes. */
    static final int MAX_ROWS = 5000;
    static final int MAX_BYTES = 4 * 1024 * 1024;
    /** Two samples of one running statement compute its start this close to each other. */
    private static final long SAME_START_MICROS = 10_000;
    private static final DateTimeFormatter AUDIT_TIME = DateTimeFormatter.ofPattern("yyyyMMdd HH:mm:ss");

    /** Opens a connection as the admin account. */
    @FunctionalInterface
    interface Connector {
        Connection open() throws TargetException;
    }

    private final String target;
    private final MysqlSettings settings;
    private final Connector connector;

    MysqlActivity(String target, MysqlSettings settings, Connector connector) {
        this.target = Objects.requireNonNull(target, "target");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.connector = Objects.requireNonNull(connector, "connector");
    }

    /** {@link Completeness#SAMPLED} with {@code activity: sampled}; otherwise complete, each line saying its own. */
    @Override
    public Completeness completeness() {
        return settings.activity() == Capture.SAMPLED ? Completeness.SAMPLED : Completeness.COMPLETE;
    }

    @Override
    public Page read(Provisioned provisioned, Optional<String> position) throws TargetException {
        GrantId grant = Objects.requireNonNull(provisioned, "provisioned").request().id();
        String user;
        try {
            user = MysqlAccount.fromHandle(provisioned.handle(), provisioned.request(), settings.host()).user();
        } catch (IllegalArgumentException e) {
            throw failed(grant, e.getMessage());
        }
        String[] at = position.map(p -> p.split(":", 3)).orElse(new String[0]);
        String kind = at.length > 1 ? at[0] : "";
        try (Connection c = open(grant)) {
            try {
                switch (kind) {
                    case "audit" -> {
                        return audit(c, grant, user, Long.parseLong(at[1]), Long.parseLong(at[2]));
                    }
                    case "general" -> {
                        return general(c, grant, user, Long.parseLong(at[1]), Integer.parseInt(at[2]));
                    }
                    case "sample" -> {
                        return sample(c, grant, user, Long.parseLong(at[1]));
                    }
                    default -> {
                        // a first read, or a position that is not one: choose afresh
                    }
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                // not a position of ours: choose afresh
            }
            return first(c, grant, user);
        } catch (SQLException e) {
            throw failed(grant, reason(e));
        } catch (Unavailable u) {
            throw failed(grant, u.getMessage());
        }
    }

    private Page first(Connection c, GrantId grant, String user) throws SQLException, TargetException, Unavailable {
        Capture capture = settings.activity();
        if (capture == Capture.AUDIT_LOG || capture == Capture.AUTO && settings.auditLog().isPresent()) {
            try {
                return audit(c, grant, user, 0, 0);
            } catch (Unavailable u) {
                if (capture == Capture.AUDIT_LOG) {
                    throw failed(grant, u.getMessage());
                }
                LOG.warn("mysql activity {} on {}: {}; trying the general log", grant, target, u.getMessage());
            }
        }
        if (capture == Capture.GENERAL_LOG || capture == Capture.AUTO) {
            Optional<String> why = generalLogMissing(c);
            if (why.isEmpty()) {
                return general(c, grant, user, 0, 0);
            }
            if (capture == Capture.GENERAL_LOG) {
                throw failed(grant, why.get());
            }
            LOG.warn("mysql activity {} on {}: {}; sampling the process list instead, which misses short statements",
                    grant, target, why.get());
        }
        return sample(c, grant, user, 0);
    }

    private Optional<String> generalLogMissing(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@global.general_log, @@global.log_output")) {
            rs.next();
            if (!rs.getBoolean(1) || !rs.getString(2).toUpperCase(java.util.Locale.ROOT).contains("TABLE")) {
                return Optional.of("the server does not write the general log to its table (general_log is "
                        + (rs.getBoolean(1) ? "ON" : "OFF") + ", log_output is " + rs.getString(2) + ")");
            }
        }
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1 FROM mysql.general_log LIMIT 0").close();
        } catch (SQLException e) {
            return Optional.of("the admin account may not read mysql.general_log (GRANT SELECT ON mysql.general_log): "
                    + reason(e));
        }
        return Optional.empty();
    }

    private Page general(Connection c, GrantId grant, String user, long micros, int taken) throws SQLException {
        String sql = "SELECT CAST(UNIX_TIMESTAMP(event_time) * 1000000 AS SIGNED), command_type, argument "
                + "FROM mysql.general_log WHERE event_time >= FROM_UNIXTIME(?) "
                + "AND SUBSTRING_INDEX(SUBSTRING_INDEX(user_host, ']', 1), '[', -1) = ? "
                + "ORDER BY event_time, thread_id LIMIT " + (MAX_ROWS + taken);
        List<Activity> out = new ArrayList<>();
        long last = micros;
        int atLast = taken;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, micros / 1_000_000);
            ps.setString(2, user);
            try (ResultSet rs = ps.executeQuery()) {
                int skip = taken;
                while (rs.next()) {
                    long t = rs.getLong(1);
                    if (t < micros) {
                        continue;
                    }
                    if (t == micros && skip > 0) {
                        skip--;
                        continue;
                    }
                    atLast = t == last ? atLast + 1 : 1;
                    last = t;
                    String detail = rs.getString(3);
                    String action = switch (rs.getString(2)) {
                        case "Query", "Execute" -> "statement";
                        case "Connect" -> "login";
                        case "Quit" -> "logout";
                        case "Init DB" -> {
                            detail = "USE " + detail;
                            yield "statement";
                        }
                        default -> null;
                    };
                    if (action != null) {
                        out.add(activity(grant, Instant.ofEpochSecond(t / 1_000_000, (t % 1_000_000) * 1000), user,
                                action, detail, "mysql-general-log", Completeness.COMPLETE));
                    }
                }
            }
        }
        return new Page(out, "general:" + last + ":" + atLast);
    }

    /** MySQL's process list has no {@code TIME_MS}: sampling to the second would repeat or lose statements. */
    private static final int ER_BAD_FIELD = 1054;

    private Page sample(Connection c, GrantId grant, String user, long lastStart) throws SQLException, Unavailable {
        String sql = "SELECT CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED) - TIME_MS * 1000, INFO "
                + "FROM information_schema.PROCESSLIST WHERE USER = ? AND INFO IS NOT NULL AND ID <> CONNECTION_ID() "
                + "ORDER BY 1, ID";
        List<Activity> out = new ArrayList<>();
        long last = lastStart;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, user);
            try (ResultSet rs = executeSample(ps)) {
                while (rs.next()) {
                    long start = rs.getLong(1);
                    if (start <= lastStart + SAME_START_MICROS) {
                        continue; // seen at an earlier sample
                    }
                    out.add(activity(grant, Instant.ofEpochSecond(start / 1_000_000, (start % 1_000_000) * 1000),
                            user, "statement", rs.getString(2), "mysql-processlist", Completeness.SAMPLED));
                    last = Math.max(last, start);
                }
            }
        }
        return new Page(out, "sample:" + last);
    }

    private static ResultSet executeSample(PreparedStatement ps) throws SQLException, Unavailable {
        try {
            return ps.executeQuery();
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_BAD_FIELD) {
                throw new Unavailable("this server's process list has no TIME_MS (MySQL): process list samples need "
                        + "MariaDB; turn on the general log table instead (activity: general-log)");
            }
            throw e;
        }
    }

    /** The audit log from {@code inode}/{@code offset} (0/0: from the oldest file there). */
    private Page audit(Connection c, GrantId grant, String user, long inode, long offset)
            throws SQLException, Unavailable {
        Path current = settings.auditLog().orElseThrow(() -> new Unavailable("settings.activity-audit-log is not set"));
        LogTail.Read read;
        try {
            read = LogTail.after(current, inode, offset, MAX_BYTES, Instant.MIN);
        } catch (NoSuchFileException e) {
            throw new Unavailable("the audit log " + current + " does not exist (is server_audit_logging ON with "
                    + "server_audit_output_type=file?)");
        } catch (IOException e) {
            throw new Unavailable("cannot read the audit log " + current + ": " + e.getMessage());
        }
        ZoneOffset zone = serverOffset(c);
        List<Activity> out = new ArrayList<>();
        for (String line : read.lines()) {
            auditActivity(grant, user, line, zone).ifPresent(out::add);
        }
        return new Page(out, "audit:" + read.position());
    }

    /**
     * One audit record: {@code 20261203 08:08:36,host,user,client,conn,query,OPERATION,db,'object',retcode}. The
     * object is quoted with backslash escapes; it may hold commas, the other fields do not.
     */
    private Optional<Activity> auditActivity(GrantId grant, String user, String line, ZoneOffset zone) {
        String[] f = line.split(",", 9);
        if (f.length < 9 || !f[2].equals(user)) {
            return Optional.empty();
        }
        int comma = f[8].lastIndexOf(',');
        String object = comma < 0 ? f[8] : f[8].substring(0, comma);
        String retcode = comma < 0 ? "0" : f[8].substring(comma + 1).strip();
        String action = switch (f[6]) {
            case "CONNECT" -> "login";
            case "DISCONNECT" -> "logout";
            case "FAILED_CONNECT" -> "login-failed";
            case "QUERY", "QUERY_DDL", "QUERY_DML", "QUERY_DCL", "QUERY_DML_NO_SELECT" -> "statement";
            default -> null;
        };
        if (action == null) {
            return Optional.empty();
        }
        String detail = unquote(object);
        if (action.equals("statement") && !retcode.equals("0")) {
            detail = detail + " — failed with error " + retcode;
        }
        Instant at;
        try {
            at = LocalDateTime.parse(f[0], AUDIT_TIME).toInstant(zone);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        return Optional.of(activity(grant, at, user, action, detail, "mysql-audit", Completeness.COMPLETE));
    }

    /** The plugin's {@code '…'} with {@code \'}, {@code \\}, {@code \n}, {@code \r}, {@code \t} inside. */
    static String unquote(String object) {
        if (object.length() < 2 || !object.startsWith("'") || !object.endsWith("'")) {
            return object;
        }
        String body = object.substring(1, object.length() - 1);
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char ch = body.charAt(i);
            if (ch == '\\' && i + 1 < body.length()) {
                char next = body.charAt(++i);
                out.append(switch (next) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> next;
                });
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /** The server's UTC offset now, as its local time (what the audit plugin writes) has it. */
    private static ZoneOffset serverOffset(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), "
                     + "CONVERT_TZ(UTC_TIMESTAMP(), '+00:00', 'SYSTEM'))")) {
            rs.next();
            return ZoneOffset.ofTotalSeconds(rs.getInt(1));
        }
    }

    private static Activity activity(GrantId grant, Instant at, String user, String action, String detail,
                                     String source, Completeness completeness) {
        return new Activity(grant, at, user, action, SecretMask.maskAndFit(detail == null ? "" : detail,
                Activity.MAX_DETAIL), source, completeness);
    }

    private Connection open(GrantId grant) throws TargetException {
        try {
            return connector.open();
        } catch (TargetException e) {
            throw failed(grant, e.getMessage());
        }
    }

    private static String reason(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceFirst("^\\(conn=\\d+\\)\\s*", "").replaceAll("\\s+", " ").strip();
    }

    private TargetException failed(GrantId grant, String reason) {
        return new TargetException("mysql activity " + grant + " on " + target + " failed: " + reason);
    }

    /** A capture that cannot be read here; the message says why. */
    private static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}

package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.activity.Activity;
import dev.breakglass.activity.Completeness;
import dev.breakglass.activity.SecretMask;
import dev.breakglass.bot.adapter.postgres.AdminSession.Failure;
import dev.breakglass.bot.adapter.postgres.PostgresSettings.ActivityCapture;
import dev.breakglass.bot.adapter.postgres.ServerLog.LogFile;
import dev.breakglass.bot.adapter.postgres.ServerLog.Unavailable;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a grant's login did on a postgres target, for {@link PostgresAdapter#activity()}.
 *
 * <p>Two captures, chosen at a grant's first read and kept for it (so a grant's lines never mix the two):
 * <ul>
 *   <li><b>The server log</b> ({@code activity: log}, the default): every statement of the grant's login, read from
 *       PostgreSQL's own jsonlog (else csvlog), PostgreSQL 15+, source {@code postgres-log},
 *       {@link Completeness#COMPLETE}. The grant's role logs every statement because the adapter sets
 *       {@code log_statement = 'all'} on it ({@code log-statements}, default true). Needs
 *       {@code logging_collector = on} and {@code jsonlog} or {@code csvlog} in {@code log_destination}; read through
 *       the admin connection ({@code pg_ls_logdir}, {@code pg_read_binary_file}: the admin needs superuser or
 *       {@code pg_monitor} and {@code pg_read_server_files}) or, with {@code activity-log-dir}, from a folder the bot
 *       reads. Besides statements it keeps errors (action {@code error}: a statement that failed, a session ended
 *       by revoke) and, where {@code log_connections}/{@code log_disconnections} are on, {@code login} and
 *       {@code logout}. Bind parameters are not read: they are values, and a value may be a password.</li>
 *   <li><b>Samples of {@code pg_stat_activity}</b> ({@code activity: sampled}, or where the log cannot be read at a
 *       grant's first read): the latest statement of each of the login's sessions, each once, source
 *       {@code pg_stat_activity}, {@link Completeness#SAMPLED}. A statement followed by another in the same session
 *       between two reads is never seen. The admin needs superuser or {@code pg_read_all_stats}, else the server
 *       hides the text and the read fails saying so.</li>
 * </ul>
 *
 * <p>Whose statements: per-grant mode, the grant's own role, also after revoke (a session that outlived it, until it
 * is terminated). Shared-account mode, the account's sessions that started from the handle's {@code since} (when the
 * grant set the password) until the grant's end: a later grant of the same account inside that window (after an
 * early revoke) is counted as this grant's too, and a handle without {@code since} (grants made before capture
 * existed) counts every session of the account.
 *
 * <p>Positions: {@code log:<offset>:<file>} (the byte after the last complete record read) or
 * {@code sample:<query_start µs>:<pid>}. A log position whose file is gone (rotated away) starts again from the
 * oldest file there; one whose file is shorter than the offset (truncated on rotation) from that file's start; a
 * position that cannot be parsed starts afresh. A first read skips the files last written more than
 * {@link #LOG_CLOCK_MARGIN} before the handle's {@code since}. Each read takes at most {@link #MAX_READ} bytes of log, so a big
 * backlog is read over several polls.
 */
final class PostgresActivity implements ActivitySource {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresActivity.class);
    /** Most bytes of log one read takes. */
    static final int MAX_READ = 8 * 1024 * 1024;
    private static final int CHUNK = 1024 * 1024;
    /** The longest log record read: a bigger one (a statement of many megabytes) is skipped with a warning. */
    private static final int MAX_RECORD = 64 * 1024 * 1024;
    private static final Pattern EXECUTE = Pattern.compile("(?s)^execute [^:]*: (.*)$");
    private static final String HIDDEN = "<insufficient privilege>";
    /** How much earlier than a grant's {@code since} a log file is still read on a first read. */
    static final java.time.Duration LOG_CLOCK_MARGIN = java.time.Duration.ofMinutes(10);

    private final String target;
    private final PostgresSettings settings;
    private final Clock clock;

    PostgresActivity(String target, PostgresSettings settings, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * {@link Completeness#COMPLETE} with {@code activity: log}: a grant whose log could not be read falls back to
     * samples, and each of its lines says {@link Completeness#SAMPLED}.
     */
    @Override
    public Completeness completeness() {
        return settings.activity() == ActivityCapture.SAMPLED ? Completeness.SAMPLED : Completeness.COMPLETE;
    }

    @Override
    public Page read(Provisioned provisioned, Optional<String> position) throws TargetException {
        Objects.requireNonNull(provisioned, "provisioned");
        GrantId grant = provisioned.request().id();
        Whose whose;
        try {
            whose = whose(provisioned);
        } catch (IllegalArgumentException e) {
            throw failed(grant, e.getMessage());
        }
        Optional<Position> from = position.flatMap(Position::parse);
        try (AdminSession s = AdminSession.open(settings)) {
            if (from.orElse(null) instanceof Position.Sampled sampled) {
                return sample(s, grant, whose, Optional.of(sampled));
            }
            if (from.orElse(null) instanceof Position.InLog inLog) {
                try {
                    return readLog(log(s), grant, whose, Optional.of(inLog), Optional.empty());
                } catch (Unavailable u) {
                    throw failed(grant, "the server log cannot be read: " + u.getMessage());
                }
            }
            if (settings.activity() == ActivityCapture.LOG) {
                try {
                    return readLog(log(s), grant, whose, Optional.empty(), since(provisioned));
                } catch (Unavailable u) {
                    LOG.warn("postgres activity {} on {}: the server log cannot be read ({}); sampling "
                            + "pg_stat_activity instead, which misses short statements", grant, target, u.getMessage());
                }
            }
            return sample(s, grant, whose, Optional.empty());
        } catch (Failure f) {
            throw failed(grant, f.getMessage());
        }
    }

    /**
     * Checks at start what capture will work, for {@link PostgresAdapter#check()}: a warning for each problem (the
     * log falls back to samples; samples without rights fail).
     *
     * @return what stands in the way, empty when nothing does
     * @throws IllegalArgumentException when {@code activity-log-dir} cannot be read: a setting at fault
     */
    List<String> problems(AdminSession s, AdminSession.RoleInfo self) throws Failure {
        List<String> problems = new ArrayList<>();
        if (settings.activity() == ActivityCapture.OFF) {
            return problems;
        }
        if (settings.activity() == ActivityCapture.LOG) {
            try {
                ServerLog log = log(s);
                List<LogFile> files = log.files();
                if (!files.isEmpty()) {
                    log.read(files.get(files.size() - 1).name(), 0, 1);
                }
            } catch (Unavailable u) {
                if (settings.activityLogDir().isPresent()) {
                    throw new IllegalArgumentException("settings.activity-log-dir: " + u.getMessage());
                }
                problems.add("the server log cannot be read (" + u.getMessage() + "), so grants' statements are "
                        + "sampled from pg_stat_activity, which misses short ones");
            }
        }
        if (!self.superuser() && !s.hasRole("pg_read_all_stats")) {
            problems.add(settings.adminUser() + " cannot see other roles' statements in pg_stat_activity; GRANT "
                    + "pg_read_all_stats TO " + settings.adminUser() + " (needed to sample where the log cannot be "
                    + "read)");
        }
        return problems;
    }

    private ServerLog log(AdminSession s) throws Failure, Unavailable {
        return settings.activityLogDir().isPresent() ? ServerLog.folder(settings.activityLogDir().get())
                : ServerLog.server(s);
    }

    /** Where a first read starts: the grant's {@code since}, less a margin for the clocks of bot and server. */
    private static Optional<Instant> since(Provisioned provisioned) {
        try {
            return PostgresHandle.parse(provisioned.handle()).since().map(t -> t.minus(LOG_CLOCK_MARGIN));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Page readLog(ServerLog log, GrantId grant, Whose whose, Optional<Position.InLog> from,
                         Optional<Instant> since) throws Failure, Unavailable {
        List<LogFile> files = log.files();
        if (files.isEmpty()) {
            return new Page(List.of(), from.orElse(new Position.InLog("", 0)).text());
        }
        int file = 0;
        long offset = 0;
        if (from.isPresent()) {
            Optional<Integer> at = ServerLog.indexOf(files, from.get().file());
            if (at.isPresent()) {
                file = at.get();
                offset = files.get(file).size() < from.get().offset() ? 0 : from.get().offset();
            }
        } else if (since.isPresent()) {
            // Files last written before the grant began hold nothing of it.
            while (file + 1 < files.size() && files.get(file).modified().isBefore(since.get())) {
                file++;
            }
        }
        List<Activity> out = new ArrayList<>();
        int budget = MAX_READ;
        int length = CHUNK;
        while (budget > 0) {
            String name = files.get(file).name();
            byte[] chunk = log.read(name, offset, length);
            LogRecord.Parsed parsed = log.format().parse(chunk);
            for (LogRecord r : parsed.records()) {
                activity(grant, r, whose).ifPresent(out::add);
            }
            offset += parsed.consumed();
            budget -= Math.max(parsed.consumed(), 1);
            if (parsed.consumed() == 0 && chunk.length == length) {
                if (length < MAX_RECORD) {
                    length *= 2; // one record longer than the chunk: read more of it
                    continue;
                }
                LOG.warn("postgres activity {} on {}: skipped a log record over {} bytes in {} at {}", grant, target,
                        MAX_RECORD, name, offset);
                offset += chunk.length;
                continue;
            }
            length = CHUNK;
            if (chunk.length < length || parsed.consumed() == 0) {
                // At the file's end: a rotated file is done, the newest one is read on at the next poll.
                if (file + 1 < files.size()) {
                    file++;
                    offset = 0;
                    continue;
                }
                break;
            }
        }
        return new Page(out, new Position.InLog(files.get(file).name(), offset).text());
    }

    /** The activity a log record shows, when it is the grant's and one of the kinds kept. */
    private Optional<Activity> activity(GrantId grant, LogRecord r, Whose whose) {
        if (r.user() == null || !whose.owns(r.user(), r.sessionStart())) {
            return Optional.empty();
        }
        String message = r.message() == null ? "" : r.message();
        String severity = r.severity() == null ? "" : r.severity().toUpperCase(Locale.ROOT);
        String action;
        String detail;
        Matcher execute = EXECUTE.matcher(message);
        if (severity.equals("ERROR") || severity.equals("FATAL") || severity.equals("PANIC")) {
            action = "error";
            detail = message + (r.statement() == null ? "" : " — in: " + r.statement());
        } else if (message.startsWith("statement: ")) {
            action = "statement";
            detail = message.substring("statement: ".length());
        } else if (execute.matches()) {
            action = "statement";
            detail = execute.group(1);
        } else if (message.startsWith("connection authorized: ")) {
            action = "login";
            detail = message;
        } else if (message.startsWith("disconnection: ")) {
            action = "logout";
            detail = message;
        } else {
            return Optional.empty();
        }
        return Optional.of(new Activity(grant, r.at().orElseGet(clock::instant), r.user(), action,
                SecretMask.maskAndFit(detail, Activity.MAX_DETAIL), "postgres-log", Completeness.COMPLETE));
    }

    private Page sample(AdminSession s, GrantId grant, Whose whose, Optional<Position.Sampled> from) throws Failure {
        record Row(int pid, long micros, Instant queryStart, String user, String query, Instant backendStart) {
        }
        List<Row> rows = s.select("SELECT pid, (extract(epoch FROM query_start) * 1000000)::bigint, query_start, "
                + "usename, query, backend_start FROM pg_stat_activity WHERE usename = ? "
                + "AND backend_type = 'client backend' AND query_start IS NOT NULL AND query <> '' "
                + "ORDER BY query_start, pid", "sample pg_stat_activity", rs -> {
                    List<Row> found = new ArrayList<>();
                    while (rs.next()) {
                        java.sql.Timestamp started = rs.getTimestamp(6);
                        found.add(new Row(rs.getInt(1), rs.getLong(2), rs.getTimestamp(3).toInstant(),
                                rs.getString(4), rs.getString(5), started == null ? null : started.toInstant()));
                    }
                    return found;
                }, whose.role());
        Position.Sampled last = from.orElse(new Position.Sampled(0, 0));
        List<Activity> out = new ArrayList<>();
        for (Row row : rows) {
            if (row.micros() < last.micros() || row.micros() == last.micros() && row.pid() <= last.pid()) {
                continue; // seen at an earlier sample
            }
            if (!whose.owns(row.user(), Optional.ofNullable(row.backendStart())
                    .map(t -> t.truncatedTo(ChronoUnit.SECONDS)))) {
                continue;
            }
            if (HIDDEN.equals(row.query())) {
                throw new Failure(settings.adminUser() + " may not see the statements of " + row.user()
                        + " in pg_stat_activity; GRANT pg_read_all_stats TO " + settings.adminUser(), "42501");
            }
            out.add(new Activity(grant, row.queryStart(), row.user(), "statement",
                    SecretMask.maskAndFit(row.query(), Activity.MAX_DETAIL), "pg_stat_activity",
                    Completeness.SAMPLED));
            last = new Position.Sampled(row.micros(), row.pid());
        }
        return new Page(out, last.text());
    }

    /** Whose sessions are the grant's, from its handle. */
    private Whose whose(Provisioned provisioned) {
        PostgresHandle handle = PostgresHandle.parse(provisioned.handle());
        PostgresMode mode = handle.mode().orElse(settings.mode());
        String role = handle.role().orElseGet(() -> mode == PostgresMode.PER_GRANT
                ? GrantRoles.perGrantRole(provisioned.request().id(), provisioned.request().slackUserId())
                : settings.account().orElseThrow(() -> new IllegalArgumentException("the stored handle names no "
                        + "role and settings.account is not set")));
        return mode == PostgresMode.PER_GRANT ? new Whose(role, Optional.empty(), Optional.empty())
                : new Whose(role, handle.since(), Optional.of(provisioned.request().expiresAt()));
    }

    /**
     * The sessions that are a grant's: of {@code role}, and (shared account) started within [since, until]. A
     * session whose start is unknown counts: over-capture is the safer error for a review.
     */
    record Whose(String role, Optional<Instant> since, Optional<Instant> until) {
        boolean owns(String user, Optional<Instant> sessionStart) {
            if (!role.equals(user)) {
                return false;
            }
            if (sessionStart.isEmpty()) {
                return true;
            }
            Instant start = sessionStart.get();
            return since.map(s -> !start.isBefore(s.truncatedTo(ChronoUnit.SECONDS))).orElse(true)
                    && until.map(u -> !start.isAfter(u)).orElse(true);
        }
    }

    /** Where a grant's capture stands. */
    sealed interface Position {
        String text();

        /** The position written as {@code text}; empty when it is not one (then the read starts afresh). */
        static Optional<Position> parse(String text) {
            String[] parts = text.split(":", 3);
            try {
                if (parts.length == 3 && parts[0].equals("log")) {
                    return Optional.of(new InLog(parts[2], Long.parseLong(parts[1])));
                }
                if (parts.length == 3 && parts[0].equals("sample")) {
                    return Optional.of(new Sampled(Long.parseLong(parts[1]), Integer.parseInt(parts[2])));
                }
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            return Optional.empty();
        }

        /** The byte after the last complete record read in {@code file}. */
        record InLog(String file, long offset) implements Position {
            public InLog {
                if (offset < 0) {
                    throw new IllegalArgumentException("offset");
                }
            }

            @Override
            public String text() {
                return "log:" + offset + ":" + file;
            }
        }

        /** The last statement taken: its start (µs since the epoch) and session. */
        record Sampled(long micros, int pid) implements Position {
            @Override
            public String text() {
                return "sample:" + micros + ":" + pid;
            }
        }
    }

    private TargetException failed(GrantId grant, String reason) {
        return new TargetException("postgres activity " + grant + " on " + target + " failed: " + reason);
    }
}

package dev.breakglass.bot.audit;

import dev.breakglass.bot.config.AuditKey;
import dev.breakglass.bot.config.InvalidConfigurationException;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar breakglass-bot.jar audit verify [--checkpoint <line>]} and {@code audit export [file]}: the audit
 * log read straight from the configured database ({@code BREAKGLASS_DB_URL}, {@code _USER}, {@code _PASSWORD},
 * default the embedded H2 file {@code ./data/breakglass}), without Slack, the scheduler or the HTTP server, and
 * checked with the audit key ({@code BREAKGLASS_AUDIT_KEY}, else {@code audit.key} in {@code BREAKGLASS_DATA_DIR},
 * default {@code ./data}; never created here). {@code --checkpoint} takes a line the bot published (quoted, or as
 * the remaining arguments) and fails when the log no longer holds it.
 *
 * <p>Exit codes: {@value #OK} the chain holds; {@value #BROKEN} it is broken (the first broken link is printed to
 * standard error; an export is still written in full); {@value #USAGE} usage or configuration error, including an
 * unreachable database or one the bot never migrated. Edge cases: nothing is migrated or written to the database
 * (an embedded H2 file that does not exist is not created); a missing or malformed key or checkpoint is a usage
 * error; the embedded H2 file is locked while the bot runs, so
 * run the CLI against a stopped bot or against PostgreSQL; {@code export} with no file writes to standard output.
 */
public final class AuditCli {
    public static final int OK = 0;
    public static final int BROKEN = 1;
    public static final int USAGE = 2;
    /** The bot's default database (application.yml), opened only if it already exists. */
    static final String DEFAULT_URL = "jdbc:h2:file:./data/breakglass;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000";
    private static final String USAGE_TEXT =
            "usage: breakglass audit verify [--checkpoint <line>] | audit export [file]";

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    public AuditCli(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Entry from {@code Application.main}: {@code args[0]} is {@code audit}. Returns the exit code. */
    public static int main(String[] args) {
        return new AuditCli(System.getenv(), System.out, System.err).run(args);
    }

    /** Runs {@code args} ({@code audit …}) and returns the exit code; never calls {@code System.exit}. */
    public int run(String[] args) {
        if (args.length < 2 || !args[0].equals("audit")) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        String command = args[1];
        boolean withCheckpoint = command.equals("verify") && args.length >= 4 && args[2].equals("--checkpoint");
        if (!(command.equals("verify") && (args.length == 2 || withCheckpoint))
                && !(command.equals("export") && args.length <= 3)) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        DataSource ds;
        AuditKey key;
        Optional<Checkpoint> checkpoint = Optional.empty();
        try {
            if (withCheckpoint) {
                checkpoint = Optional.of(Checkpoint.parse(String.join(" ", List.of(args).subList(3, args.length))));
            }
            ds = dataSource();
        } catch (IllegalArgumentException e) {
            err.println("audit: " + e.getMessage());
            return USAGE;
        }
        Optional<String> schemaProblem = schemaProblem(ds);
        if (schemaProblem.isPresent()) {
            err.println("audit: " + schemaProblem.get());
            return USAGE;
        }
        try {
            String dataDir = env.getOrDefault("BREAKGLASS_DATA_DIR", "");
            key = AuditKey.forVerifying(env.get(AuditKey.ENVIRONMENT_VARIABLE),
                    Path.of(dataDir.isBlank() ? "./data" : dataDir.strip()));
        } catch (InvalidConfigurationException e) {
            err.println("audit: " + e.getMessage());
            return USAGE;
        }
        JdbcAuditLog log = new JdbcAuditLog(ds, key);
        try {
            if (command.equals("export")) {
                long lines = export(log, args.length == 3 ? Path.of(args[2]) : null);
                err.println("audit: exported " + lines + " entries" + (args.length == 3 ? " to " + args[2] : ""));
            }
            JdbcAuditLog.Verification v = log.verification(checkpoint);
            if (v.ok()) {
                (command.equals("verify") ? out : err).println("audit chain OK: " + v.entries() + " entries"
                        + checkpoint.map(cp -> ", holds the checkpoint of entry " + cp.seq()).orElse(""));
                return OK;
            }
            err.println("audit chain BROKEN at " + v.broken().orElseThrow());
            return BROKEN;
        } catch (IOException | UncheckedIOException e) {
            err.println("audit: could not write the export: " + e.getMessage());
            return USAGE;
        } catch (RuntimeException e) {
            err.println("audit: could not read the audit log: " + rootMessage(e));
            return USAGE;
        }
    }

    private long export(JdbcAuditLog log, Path file) throws IOException {
        long[] count = {0};
        Writer w = file == null ? new OutputStreamWriter(out, StandardCharsets.UTF_8) : Files.newBufferedWriter(file);
        try (BufferedWriter lines = new BufferedWriter(w)) {
            log.each(e -> {
                try {
                    lines.write(AuditChain.jsonLine(e));
                    lines.write('\n');
                    count[0]++;
                } catch (IOException io) {
                    throw new UncheckedIOException(io);
                }
            });
            lines.flush();
        } finally {
            if (file == null) {
                out.flush();
            }
        }
        return count[0];
    }

    /** A plain DataSource for the configured URL: no pool, no Micronaut. */
    DataSource dataSource() {
        String url = env.getOrDefault("BREAKGLASS_DB_URL", "");
        if (url.isBlank()) {
            url = DEFAULT_URL;
        }
        String user = env.getOrDefault("BREAKGLASS_DB_USER", "");
        if (user.isBlank()) {
            user = "sa";
        }
        String password = env.getOrDefault("BREAKGLASS_DB_PASSWORD", "");
        if (url.startsWith("jdbc:h2:")) {
            // Never create an empty database where the operator expected the bot's.
            if (!url.startsWith("jdbc:h2:mem:") && !url.toUpperCase(java.util.Locale.ROOT).contains("IFEXISTS=")) {
                url = url + ";IFEXISTS=TRUE";
            }
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(url);
            h2.setUser(user);
            h2.setPassword(password);
            return h2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setURL(url);
            pg.setUser(user);
            pg.setPassword(password);
            pg.setReadOnly(true);
            return pg;
        }
        throw new IllegalArgumentException("BREAKGLASS_DB_URL must be a jdbc:h2: or jdbc:postgresql: URL");
    }

    /** Why the audit tables cannot be read, if they cannot: no database, or not migrated. */
    private static Optional<String> schemaProblem(DataSource ds) {
        Connection c;
        try {
            c = ds.getConnection();
        } catch (SQLException e) {
            // The message names the URL or the host, never the password.
            return Optional.of("cannot open the database: " + e.getMessage());
        }
        try (c; PreparedStatement ps = c.prepareStatement("SELECT seq FROM audit_head WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.empty() : Optional.of("the audit head row is missing");
        } catch (SQLException e) {
            return Optional.of("the database has no audit tables (start the bot once to migrate it): "
                    + e.getMessage());
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return t.getMessage() + (root != t ? " (" + root.getMessage() + ")" : "");
    }
}

package dev.breakglass.bot.adapter.postgres;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the test's own, with password authentication (scram-sha-256 for every connection), so
 * that passwords and {@code VALID UNTIL} are really enforced — the machine's shared server trusts every local login.
 *
 * <p>{@code initdb} into a fresh temporary directory, started on a free port on 127.0.0.1 with its socket in that
 * directory; {@link #close()} stops it and deletes the directory. The binaries come from
 * {@code BREAKGLASS_TEST_PG_BIN}, else the newest {@code /usr/lib/postgresql/<version>/bin}. They refuse to run as
 * root, so as root they run as the {@code postgres} OS user through {@code runuser}. Missing binaries or runuser skip
 * the test with the reason (they fail it when {@code BREAKGLASS_TEST_PG_REQUIRED=true}).
 *
 * <p>The server log ({@link #log()}) records every statement of the superuser {@code postgres}: tests read it to
 * show that no password reaches it.
 */
final class ThrowawayCluster implements AutoCloseable {
    static final String SUPERUSER = "postgres";

    private final Path dir;
    private final Path bin;
    private final boolean asPostgres;
    private final int port;
    private final String superPassword;

    private ThrowawayCluster(Path dir, Path bin, boolean asPostgres, int port, String superPassword) {
        this.dir = dir;
        this.bin = bin;
        this.asPostgres = asPostgres;
        this.port = port;
        this.superPassword = superPassword;
    }

    /** Starts a cluster whose superuser {@code postgres} has {@code superPassword}; skips when it cannot. */
    static ThrowawayCluster start(String superPassword) {
        return start(superPassword, "");
    }

    /**
     * A cluster whose logging collector writes {@code destinations} (e.g. {@code jsonlog,csvlog}) into
     * {@link #logDir()}, readable by its group, with {@code more} options; the superuser's password is random.
     */
    static ThrowawayCluster logging(String destinations, String more) {
        byte[] random = new byte[16];
        new java.security.SecureRandom().nextBytes(random);
        return start(java.util.HexFormat.of().formatHex(random), "-c logging_collector=on -c log_destination="
                + destinations + " -c log_file_mode=0640 " + more);
    }

    /**
     * The same, with more server options ({@code -c name=value …}), e.g. the logging collector writing jsonlog into
     * {@link #logDir()}.
     */
    static ThrowawayCluster start(String superPassword, String options) {
        Path bin = binaries();
        if (bin == null) {
            SharedPostgres.skipOrFail("no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin "
                    + "or BREAKGLASS_TEST_PG_BIN", null);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && !(Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser")))) {
            SharedPostgres.skipOrFail("running as root without runuser: initdb cannot run as root", null);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("breakglass-pg-");
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, superPassword + "\n", StandardCharsets.UTF_8);
            if (root) {
                UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName("postgres");
                Files.setOwner(dir, postgres);
                Files.setOwner(pwfile, postgres);
            }
            Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            run(root, dir, bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", SUPERUSER,
                    "--auth=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C", "--no-sync");
            int port = freePort();
            run(root, dir, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "30",
                    "-l", dir.resolve("server.log").toString(), "-o",
                    "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                            + " -c full_page_writes=off -c max_connections=40 " + options, "start");
            ThrowawayCluster cluster = new ThrowawayCluster(dir, bin, root, port, superPassword);
            // Every admin statement is logged, so the log shows what the adapter sent (and that no password is in it).
            cluster.sql("ALTER ROLE postgres SET log_statement = 'all'");
            return cluster;
        } catch (IOException | RuntimeException e) {
            String log = "";
            if (dir != null) {
                try {
                    log = " " + Files.readString(dir.resolve("out.txt"));
                } catch (IOException ignored) {
                    // no output kept
                }
                delete(dir);
            }
            SharedPostgres.skipOrFail("could not start a throwaway PostgreSQL cluster: " + e.getMessage() + log, e);
            throw new IllegalStateException("unreachable");
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}. */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    String superPassword() {
        return superPassword;
    }

    /** The server's log: startup, errors, and every statement of the superuser. */
    String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the logging collector writes with the default {@code log_directory} ({@code log} in the data folder). */
    Path logDir() {
        return dir.resolve("data").resolve("log");
    }

    Connection login(String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url(), p);
    }

    void sql(String... statements) {
        try (Connection c = login(SUPERUSER, superPassword); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The first column of the first row of a query run as the superuser, as text (null for SQL NULL). */
    String query(String sql) {
        try (Connection c = login(SUPERUSER, superPassword); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row: " + sql);
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            run(asPostgres, dir, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-m", "immediate", "-w", "stop");
        } catch (RuntimeException | IOException e) {
            System.err.println("could not stop the throwaway cluster in " + dir + ": " + e.getMessage());
        } finally {
            delete(dir);
        }
    }

    private static Path binaries() {
        String configured = System.getenv("BREAKGLASS_TEST_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isExecutable(p.resolve("initdb")) ? p : null;
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(ThrowawayCluster::version)).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static int version(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Runs a server binary (as the postgres OS user when we are root); output goes to out.txt, never to a pipe. */
    private static void run(boolean asPostgres, Path dir, String... command) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(command));
        // A file, not a pipe: the server started by pg_ctl inherits it and would keep a pipe open forever.
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command[0] + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted");
        }
        if (p.exitValue() != 0) {
            throw new IOException(Path.of(command[0]).getFileName() + " exited with " + p.exitValue() + ": "
                    + Files.readString(out));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}

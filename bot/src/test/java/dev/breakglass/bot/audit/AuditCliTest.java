package dev.breakglass.bot.audit;

import dev.breakglass.bot.config.AuditKey;
import dev.breakglass.bot.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code audit verify|export} against a real database: output and exit codes. */
class AuditCliTest {
    private static final byte[] KEY_BYTES = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final AuditKey KEY = AuditKey.of(KEY_BYTES);
    private TestDatabase db;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void open() {
        db = TestDatabase.h2();
        JdbcAuditLog log = new JdbcAuditLog(db.dataSource(), KEY);
        for (int i = 1; i <= 4; i++) {
            log.append(Instant.parse("2026-11-21T10:00:00Z").plusSeconds(i), 7, "Step" + i, "U0ALICE",
                    Map.of("n", i, "note", "naïve 🔥"));
        }
    }

    @AfterEach
    void close() {
        db.close();
    }

    private int run(Map<String, String> env, String... args) {
        return new AuditCli(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private int run(String... args) {
        return run(withKey(db.env()), args);
    }

    private static Map<String, String> withKey(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put(AuditKey.ENVIRONMENT_VARIABLE, java.util.Base64.getEncoder().encodeToString(KEY_BYTES));
        return all;
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void verifyAnIntactChainExitsZero() {
        assertEquals(AuditCli.OK, run("audit", "verify"), err());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("audit chain OK: 4 entries"));
    }

    @Test
    void verifyATamperedEntryExitsOneAndNamesIt() throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE audit_log SET details = '{\"n\":99}' WHERE seq = 3");
        }
        assertEquals(AuditCli.BROKEN, run("audit", "verify"));
        assertTrue(err().contains("entry 3 (BG-7 Step3)"), err());
        assertTrue(err().contains("changed"), err());
    }

    @Test
    void exportToAFileWritesTheChainThatVerifiesOnItsOwn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        assertEquals(AuditCli.OK, run("audit", "export", file.toString()), err());
        List<String> lines = Files.readAllLines(file);
        List<String> expected = new ArrayList<>();
        new JdbcAuditLog(db.dataSource(), KEY).each(e -> expected.add(AuditChain.jsonLine(e)));
        assertEquals(expected, lines);
        List<AuditEntry> parsed = lines.stream().map(AuditJson::parse).toList();
        AuditEntry last = parsed.get(parsed.size() - 1);
        assertEquals(java.util.Optional.empty(), AuditChain.verify(parsed, last.seq(), last.hash(), KEY,
                java.util.Optional.empty()));
    }

    @Test
    void exportToStandardOutput() {
        assertEquals(AuditCli.OK, run("audit", "export"), err());
        assertEquals(4, out.toString(StandardCharsets.UTF_8).lines().count());
    }

    @Test
    void exportOfABrokenChainIsWrittenButExitsOne(@TempDir Path dir) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM audit_log WHERE seq = 2");
        }
        Path file = dir.resolve("audit.jsonl");
        assertEquals(AuditCli.BROKEN, run("audit", "export", file.toString()));
        assertEquals(3, Files.readAllLines(file).size());
        assertTrue(err().contains("entry 3"), err());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(AuditCli.USAGE, run("audit"));
        assertEquals(AuditCli.USAGE, run("audit", "shred"));
        assertEquals(AuditCli.USAGE, run("audit", "verify", "extra"));
        assertEquals(AuditCli.USAGE, run("audit", "export", "a", "b"));
        assertTrue(err().contains("usage:"), err());
    }

    @Test
    void anUnmigratedDatabaseIsNamedAndNotMigrated() throws Exception {
        String url = "jdbc:h2:mem:bare" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        Map<String, String> env = new HashMap<>(Map.of("BREAKGLASS_DB_URL", url, "BREAKGLASS_DB_USER", "sa"));
        assertEquals(AuditCli.USAGE, run(env, "audit", "verify"));
        assertTrue(err().contains("no audit tables"), err());
        try (Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
             var rs = c.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the CLI created tables");
        }
        try (Connection c = java.sql.DriverManager.getConnection(url, "sa", "")) {
            c.createStatement().execute("SHUTDOWN");
        }
    }

    @Test
    void aMissingH2FileIsNotCreated(@TempDir Path dir) {
        Path file = dir.resolve("nothing");
        Map<String, String> env = Map.of("BREAKGLASS_DB_URL", "jdbc:h2:file:" + file);
        assertEquals(AuditCli.USAGE, run(env, "audit", "verify"));
        assertTrue(err().contains("cannot open the database"), err());
        assertFalse(Files.exists(dir.resolve("nothing.mv.db")));
    }

    @Test
    void anUnsupportedUrlExitsTwo() {
        assertEquals(AuditCli.USAGE, run(Map.of("BREAKGLASS_DB_URL", "jdbc:oracle:thin:@x"), "audit", "verify"));
    }

    @Test
    void verifyWithACheckpointFailsOnceTheTailIsCutAndTheHeadReset() throws Exception {
        String line = new JdbcAuditLog(db.dataSource(), KEY).checkpoint().orElseThrow().line();
        assertEquals(AuditCli.OK, run("audit", "verify", "--checkpoint", line), err());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("holds the checkpoint of entry 4"));
        // unquoted in a shell, the line arrives as several arguments
        assertEquals(AuditCli.OK, run(java.util.stream.Stream.concat(java.util.stream.Stream.of("audit", "verify",
                "--checkpoint"), java.util.Arrays.stream(line.split(" "))).toArray(String[]::new)), err());
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM audit_log WHERE seq = 4");
            s.execute("UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3) WHERE id = 1");
        }
        assertEquals(AuditCli.OK, run("audit", "verify"), err());
        assertEquals(AuditCli.BROKEN, run("audit", "verify", "--checkpoint", line));
        assertTrue(err().contains("the checkpoint recorded entry 4"), err());
    }

    @Test
    void aBadCheckpointOrNoKeyExitsTwo(@TempDir Path empty) {
        assertEquals(AuditCli.USAGE, run("audit", "verify", "--checkpoint", "seq=4 head=abc"));
        assertTrue(err().contains("not a checkpoint"), err());
        assertEquals(AuditCli.USAGE, run("audit", "verify", "--checkpoint"));
        Map<String, String> noKey = new HashMap<>(db.env());
        noKey.put("BREAKGLASS_DATA_DIR", empty.toString());
        assertEquals(AuditCli.USAGE, run(noKey, "audit", "verify"));
        assertTrue(err().contains("no audit key: set BREAKGLASS_AUDIT_KEY"), err());
        assertFalse(Files.exists(empty.resolve(AuditKey.FILE_NAME)), "the CLI never creates a key");
    }

    @Test
    void theKeyFileInTheDataFolderIsUsed(@TempDir Path data) throws Exception {
        Files.write(data.resolve(AuditKey.FILE_NAME), KEY_BYTES);
        Files.setPosixFilePermissions(data.resolve(AuditKey.FILE_NAME),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = new HashMap<>(db.env());
        env.put("BREAKGLASS_DATA_DIR", data.toString());
        assertEquals(AuditCli.OK, run(env, "audit", "verify"), err());
        Files.write(data.resolve(AuditKey.FILE_NAME), new byte[32]);
        assertEquals(AuditCli.BROKEN, run(env, "audit", "verify"));
        assertTrue(err().contains("another audit key"), err());
    }
}

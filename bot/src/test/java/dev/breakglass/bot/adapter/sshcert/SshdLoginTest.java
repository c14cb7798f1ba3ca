package dev.breakglass.bot.adapter.sshcert;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.port.Extending;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.breakglass.bot.adapter.sshcert.SshTools.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance: certificates from the adapter log in to a real sshd configured as docs/adapters-ssh-cert.md says,
 * and stop logging in once revoked or expired. Skipped without sshd, unless BREAKGLASS_TEST_SSHD_REQUIRED=true.
 */
class SshdLoginTest {
    @TempDir
    static Path caDir;
    private static Path ca;

    @TempDir
    Path dir;
    private Path krl;
    private Path work;
    private TestSshd sshd;

    @BeforeAll
    static void createCa() {
        ca = SshTools.newCa(caDir, "ca", "");
    }

    @BeforeEach
    void start() throws IOException {
        TestSshd.require(); // per test, so each one shows as skipped, with the reason
        krl = dir.resolve("revoked.krl");
        work = Files.createDirectory(dir.resolve("work"));
    }

    @AfterEach
    void stop() {
        if (sshd != null) {
            sshd.close();
        }
    }

    private SshCertAdapter adapter(Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(Map.of("ca-key", ca.toString(), "krl", krl.toString(),
                "principals", List.of("root"), "host", "127.0.0.1"));
        settings.putAll(extra);
        return new SshCertAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(Map.of()), "ssh-keygen", work)
                .create("prod-ssh", settings);
    }

    private TestSshd sshd(List<String> extraConfig) throws IOException {
        // The adapter creates the KRL at start; sshd must find one from the first login (a missing one locks out
        // every key), so adapters are made before the server starts.
        sshd = TestSshd.start(dir, Path.of(ca + ".pub"), krl, extraConfig);
        return sshd;
    }

    /** The key and certificate as the requester saves them from the Reveal modal. */
    private record Saved(Path key, Path cert) {
    }

    private Saved save(Provisioned p, String name) throws IOException {
        Map<String, String> fields = p.credentials().orElseThrow().fields();
        Path key = SshTools.writePrivate(dir.resolve(name), fields.get("private key"));
        Path cert = Files.writeString(dir.resolve(name + "-cert.pub"), fields.get("certificate") + "\n");
        return new Saved(key, cert);
    }

    private void assertLogsIn(Saved s) {
        SshTools.Output o = sshd.login(s.key(), s.cert());
        assertEquals(0, o.exit(), () -> "login refused: " + o.text() + "\nsshd log:\n" + sshd.log());
    }

    private void assertRefused(Saved s, String logged) {
        int before = sshd.log().length();
        SshTools.Output o = sshd.login(s.key(), s.cert());
        assertNotEquals(0, o.exit(), () -> "login accepted\nsshd log:\n" + sshd.log());
        assertTrue(o.text().contains("Permission denied (publickey)"), o.text());
        // sshd may log the refusal a moment after the client has given up.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!sshd.log().substring(before).contains(logged) && System.nanoTime() < deadline) {
            TestSshd.sleep(50);
        }
        assertTrue(sshd.log().substring(before).contains(logged),
                () -> "no \"" + logged + "\" in the sshd log since this login:\n" + sshd.log().substring(before));
    }

    @Test
    void aCertificateLogsInUntilRevokedAndNotAfter() throws Exception {
        SshCertAdapter adapter = adapter(Map.of());
        sshd(List.of());
        Provisioned p = adapter.grant(request(7, Optional.empty(), Instant.now().plus(Duration.ofMinutes(10))));
        Saved saved = save(p, "bg-7");

        assertLogsIn(saved);
        assertTrue(sshd.log().contains("ID breakglass:BG-7:U0ALICE (serial 7)"), sshd.log());

        adapter.revoke(p.withoutCredentials());

        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
        assertRefused(saved, "revoked by file " + krl);
    }

    @Test
    void theHintInTheCredentialsIsACommandThatWorks() throws Exception {
        SshCertAdapter adapter = adapter(Map.of());
        sshd(List.of());
        Provisioned p = adapter.grant(request(8, Optional.empty(), Instant.now().plus(Duration.ofMinutes(10))));
        Saved saved = save(p, "breakglass-BG-8");

        String hint = p.credentials().orElseThrow().fields().get("how to connect");
        String command = hint.lines().reduce((a, b) -> b).orElseThrow().replace("~/.ssh/", dir + "/");
        List<String> argv = new java.util.ArrayList<>(List.of(command.split(" ")));
        // As typed by the requester, plus what a test needs: the test server's port, no host key prompt, a command.
        argv.addAll(1, List.of("-F", "/dev/null", "-p", Integer.toString(sshd.port()), "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"));
        argv.add("echo hello from $USER");
        SshTools.Output o = SshTools.run(argv);
        assertEquals("hello from root", o.text().strip(), () -> argv + "\n" + sshd.log());
        assertTrue(Files.exists(saved.cert()));
    }

    @Test
    void anExpiredCertificateNoLongerLogsIn() throws Exception {
        SshCertAdapter adapter = adapter(Map.of());
        sshd(List.of());
        Instant end = Instant.now().plusSeconds(4);
        Saved saved = save(adapter.grant(request(9, Optional.empty(), end)), "bg-9");

        assertLogsIn(saved);
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), end).toMillis()) + 1500);

        assertRefused(saved, "expired");
    }

    /**
     * Issue 12's acceptance line: the certificate issued by an extension logs in past the old end and not after the
     * new one, and the revoke that ends the grant (its serial in the KRL) stops it and refuses a further extension.
     */
    @Test
    void anExtensionsCertificateWorksPastTheOldEndAndNotAfterTheNewOne() throws Exception {
        SshCertAdapter adapter = adapter(Map.of());
        sshd(List.of());
        Instant oldEnd = Instant.now().plusSeconds(3);
        Provisioned first = adapter.grant(request(11, Optional.empty(), oldEnd));
        Saved before = save(first, "bg-11");
        Instant newEnd = Instant.now().plusSeconds(8);

        Provisioned extended = adapter.extend(first.withoutCredentials(), newEnd);
        Saved after = save(extended, "bg-11-extended");

        assertEquals(Extending.MOVES_THE_END, adapter.extending());
        assertTrue(extended.handle().contains(newEnd.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()),
                extended.handle());
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), oldEnd).toMillis()) + 1500);
        assertRefused(before, "expired");
        assertLogsIn(after);

        Thread.sleep(Math.max(0, Duration.between(Instant.now(), newEnd).toMillis()) + 1500);
        assertRefused(after, "expired");

        adapter.revoke(extended.withoutCredentials());
        assertTrue(adapter.verifyRevoked(extended.withoutCredentials()));
        assertThrows(TargetException.class, () -> adapter.extend(extended.withoutCredentials(),
                Instant.now().plusSeconds(60)), "a revoked serial is never issued again");
    }

    @Test
    void principalsMappedToAnAccountByAuthorizedPrincipalsFile() throws Exception {
        // Hosts map role principals to accounts: whoever holds "bg-admin" may log in as root; "bg-readonly" may not.
        Path principals = Files.createDirectory(dir.resolve("principals"));
        Files.writeString(principals.resolve("root"), "bg-admin\n");
        SshCertAdapter adapter = adapter(Map.of("principals",
                Map.of("admin", List.of("bg-admin"), "read-only", List.of("bg-readonly"))));
        sshd(List.of("AuthorizedPrincipalsFile " + principals + "/%u"));
        Instant end = Instant.now().plus(Duration.ofMinutes(10));

        assertLogsIn(save(adapter.grant(request(10, Optional.of("admin"), end)), "admin"));
        assertRefused(save(adapter.grant(request(11, Optional.of("read-only"), end)), "ro"),
                "Certificate does not contain an authorized principal");
    }

    @Test
    void aMissingKrlLocksOutEveryKeyWhichIsWhyItMustAlwaysBeThere() throws Exception {
        SshCertAdapter adapter = adapter(Map.of());
        sshd(List.of());
        Saved saved = save(adapter.grant(request(12, Optional.empty(), Instant.now().plus(Duration.ofMinutes(5)))),
                "bg-12");
        Files.move(krl, dir.resolve("elsewhere.krl"));

        assertRefused(saved, "in revoked keys file " + krl + ": No such file or directory");
    }

    @Test
    void aLiveSessionOutlivesTheKrlButNotTheSessionKillCommand() throws Exception {
        Path script = dir.resolve("kill-breakglass-sessions");
        Files.writeString(script, SshCertDocs.killScript());
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        SshCertAdapter plain = adapter(Map.of());
        SshCertAdapter killing = adapter(Map.of("session-kill-command", script.toString()));
        sshd(List.of());
        Provisioned p = plain.grant(request(13, Optional.empty(), Instant.now().plus(Duration.ofMinutes(10))));
        Saved saved = save(p, "bg-13");
        Provisioned other = plain.grant(request(14, Optional.empty(), Instant.now().plus(Duration.ofMinutes(10))));
        Saved otherSaved = save(other, "bg-14");

        Process session = new ProcessBuilder(sshd.ssh(saved.key(), saved.cert(), "echo started; exec sleep 60"))
                .redirectErrorStream(true).start();
        Process bystander = new ProcessBuilder(sshd.ssh(otherSaved.key(), otherSaved.cert(),
                "echo started; exec sleep 60")).redirectErrorStream(true).start();
        try {
            awaitLine(session, "started");
            awaitLine(bystander, "started");

            plain.revoke(p.withoutCredentials());
            assertRefused(saved, "revoked by file");
            assertFalse(session.waitFor(2, TimeUnit.SECONDS), "a KRL stops new logins only: the session lives on");

            killing.revoke(p.withoutCredentials());
            assertTrue(session.waitFor(15, TimeUnit.SECONDS), "the session kill command ended it");
            assertTrue(bystander.isAlive(), "another grant's session is left alone");
        } finally {
            // Killing a client leaves its remote command running: end both sessions on the server side too.
            SshTools.run(script.toString(), "breakglass:BG-13:U0ALICE");
            SshTools.run(script.toString(), "breakglass:BG-14:U0ALICE");
            session.destroyForcibly();
            bystander.destroyForcibly();
        }
    }

    private static void awaitLine(Process process, String expected) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            } catch (IOException e) {
                return "(" + e.getMessage() + ")";
            }
        }).get(20, TimeUnit.SECONDS);
        assertEquals(expected, line);
    }
}

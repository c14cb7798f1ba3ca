package dev.breakglass.bot.adapter.sshcert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.bot.testing.OffsetClock;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.breakglass.bot.adapter.sshcert.SshTools.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Grant, revoke and verify against a real CA and KRL, checked with OpenSSH's own ssh-keygen. */
class SshCertAdapterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path caDir;
    private static Path ca;
    private static String caFingerprint;

    @TempDir
    Path dir;
    private Path krl;
    private Path work;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeAll
    static void createCa() {
        ca = SshTools.newCa(caDir, "ca", "");
        caFingerprint = SshTools.fingerprint(caDir.resolve("ca.pub"));
    }

    @BeforeEach
    void paths() throws IOException {
        krl = dir.resolve("revoked.krl");
        work = Files.createDirectory(dir.resolve("work"));
    }

    private SshCertAdapter adapter(Clock clock, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(Map.of("ca-key", ca.toString(), "krl", krl.toString(),
                "principals", List.of("root", "ops"), "host", "db1.example.com"));
        settings.putAll(extra);
        return new SshCertAdapterFactory(clock, EnvironmentVariables.of(Map.of()), "ssh-keygen", work)
                .create("prod-ssh", settings);
    }

    private SshCertAdapter adapter() {
        return adapter(Clock.fixed(now, ZoneOffset.UTC), Map.of());
    }

    /** The certificate of a grant, written to a file as the requester would save it. */
    private Path certificateOf(Provisioned p, String name) throws IOException {
        return Files.writeString(dir.resolve(name + "-cert.pub"), field(p, "certificate") + "\n");
    }

    private static String field(Provisioned p, String label) {
        Credentials c = p.credentials().orElseThrow();
        assertTrue(c.fields().containsKey(label), "no " + label + " in " + c);
        return c.fields().get(label);
    }

    @Test
    void aGrantIsAFreshKeyPairWithACertificateForTheGrant() throws Exception {
        Instant expires = now.plus(Duration.ofMinutes(30)).plusMillis(700);
        Provisioned p = adapter().grant(request(7, Optional.empty(), expires));

        SshTools.Certificate cert = SshTools.inspect(certificateOf(p, "bg-7"));
        assertEquals("breakglass:BG-7:U0ALICE", cert.keyId());
        assertEquals(7, cert.serial());
        assertEquals(now.minus(Duration.ofMinutes(1)), cert.validFrom(), "a minute early, for lagging clocks");
        assertEquals(now.plus(Duration.ofMinutes(30)), cert.validTo(), "ends with the window, never after it");
        assertEquals(List.of("root", "ops"), cert.principals());
        assertEquals(List.of("permit-pty"), cert.extensions());
        assertEquals(caFingerprint, cert.signingCa());
        assertEquals("ssh-ed25519-cert-v01@openssh.com", cert.type());

        assertEquals(List.of("host", "user", "principals", "valid until", "private key", "certificate",
                "how to connect"), List.copyOf(p.credentials().orElseThrow().fields().keySet()));
        assertEquals("db1.example.com", field(p, "host"));
        assertEquals("root", field(p, "user"));
        assertEquals("root, ops", field(p, "principals"));
        assertEquals(now.plus(Duration.ofMinutes(30)).toString(), field(p, "valid until"));
        assertTrue(field(p, "private key").startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
        assertTrue(field(p, "how to connect").endsWith("ssh -o IdentitiesOnly=yes -i ~/.ssh/breakglass-BG-7 "
                + "-o CertificateFile=~/.ssh/breakglass-BG-7-cert.pub root@db1.example.com"), field(p, "how to connect"));

        Path key = SshTools.writePrivate(dir.resolve("bg-7"), field(p, "private key"));
        Path derived = Files.writeString(dir.resolve("derived.pub"),
                SshTools.run("ssh-keygen", "-y", "-f", key.toString()).text());
        assertEquals(SshTools.fingerprint(derived), cert.publicKey(), "the certificate is for this key");
    }

    @Test
    void theHandleIsJsonWithoutSecrets() throws Exception {
        Provisioned p = adapter().grant(request(7, Optional.empty(), now.plus(Duration.ofMinutes(30))));

        assertEquals("{\"serial\":7,\"key_id\":\"breakglass:BG-7:U0ALICE\",\"ca_fingerprint\":\"" + caFingerprint
                + "\",\"valid_before\":\"" + now.plus(Duration.ofMinutes(30)) + "\",\"valid_after\":\""
                + now.minus(SshCertAdapter.CLOCK_SKEW).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"}",
                p.handle());
        JsonNode handle = JSON.readTree(p.handle());
        assertEquals(5, handle.size());
        assertFalse(p.handle().contains("PRIVATE"));
        assertFalse(p.toString().contains("PRIVATE KEY"), "credentials are hidden in toString");
    }

    @Test
    void nothingIsLeftInTheWorkingDirectory() throws Exception {
        SshCertAdapter adapter = adapter();
        Provisioned p = adapter.grant(request(7, Optional.empty(), now.plus(Duration.ofMinutes(30))));
        adapter.revoke(p.withoutCredentials());
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));

        try (Stream<Path> left = Files.list(work)) {
            assertEquals(List.of(), left.toList(), "key pairs and certificates are deleted");
        }
        try (Stream<Path> beside = Files.list(dir)) {
            assertEquals(List.of("revoked.krl", "revoked.krl.lock", "work"),
                    beside.map(f -> f.getFileName().toString()).sorted().toList(), "no temporary KRL is left");
        }
    }

    @Test
    void principalsPerRole() throws IOException, TargetException {
        SshCertAdapter adapter = adapter(Clock.fixed(now, ZoneOffset.UTC), Map.of("principals",
                Map.of("read-only", List.of("readonly"), "admin", "root")));
        Instant end = now.plus(Duration.ofMinutes(30));

        assertEquals(List.of("root"), SshTools.inspect(certificateOf(
                adapter.grant(request(1, Optional.of("admin"), end)), "admin")).principals());
        assertEquals(List.of("readonly"), SshTools.inspect(certificateOf(
                adapter.grant(request(2, Optional.of("read-only"), end)), "ro")).principals());

        TargetException unknown = assertThrows(TargetException.class,
                () -> adapter.grant(request(3, Optional.of("auditor"), end)));
        assertEquals("ssh-cert grant BG-3 on prod-ssh failed: settings.principals has no principals for role "
                + "\"auditor\" (it has: admin, read-only)", unknown.getMessage());
        TargetException none = assertThrows(TargetException.class,
                () -> adapter.grant(request(4, Optional.empty(), end)));
        assertTrue(none.getMessage().contains("the grant has no role, but settings.principals gives principals per "
                + "role"), none.getMessage());
    }

    @Test
    void theAccountInTheConnectCommandFollowsSettingsUser() throws Exception {
        SshCertAdapter adapter = adapter(Clock.fixed(now, ZoneOffset.UTC), Map.of("principals",
                Map.of("admin", List.of("bg-admin"), "read-only", List.of("bg-readonly")), "user",
                Map.of("admin", "root"), "port", 2222));
        Instant end = now.plus(Duration.ofMinutes(30));

        Provisioned admin = adapter.grant(request(1, Optional.of("admin"), end));
        assertEquals("root", field(admin, "user"));
        assertTrue(field(admin, "how to connect").endsWith("-cert.pub -p 2222 root@db1.example.com"),
                field(admin, "how to connect"));
        assertEquals("bg-readonly", field(adapter.grant(request(2, Optional.of("read-only"), end)), "user"),
                "no account for the role: the first principal");
    }

    @Test
    void aPlainListServesEveryRole() throws Exception {
        Provisioned p = adapter().grant(request(5, Optional.of("admin"), now.plus(Duration.ofMinutes(5))));
        assertEquals(List.of("root", "ops"), SshTools.inspect(certificateOf(p, "x")).principals());
    }

    @Test
    void extensionsAreExactlyTheConfiguredOnes() throws Exception {
        Instant end = now.plus(Duration.ofMinutes(5));
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        assertEquals(List.of(), SshTools.inspect(certificateOf(adapter(clock, Map.of("extensions", List.of()))
                .grant(request(1, Optional.empty(), end)), "none")).extensions());
        assertEquals(List.of("permit-port-forwarding", "permit-pty"), SshTools.inspect(certificateOf(
                adapter(clock, Map.of("extensions", List.of("permit-pty", "permit-port-forwarding")))
                        .grant(request(2, Optional.empty(), end)), "two")).extensions());
    }

    @Test
    void otherKeyTypesFitTheRevealModal() throws Exception {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        Instant end = now.plus(Duration.ofMinutes(5));
        Provisioned ecdsa = adapter(clock, Map.of("key-type", "ecdsa")).grant(request(1, Optional.empty(), end));
        assertEquals("ecdsa-sha2-nistp256-cert-v01@openssh.com", SshTools.inspect(certificateOf(ecdsa, "e")).type());
        Provisioned rsa = adapter(clock, Map.of("key-type", "rsa")).grant(request(2, Optional.empty(), end));
        assertEquals("ssh-rsa-cert-v01@openssh.com", SshTools.inspect(certificateOf(rsa, "r")).type());
        for (String value : rsa.credentials().orElseThrow().fields().values()) {
            assertTrue(value.length() < 3000, "one Slack section holds at most 3000 characters: " + value.length());
        }
    }

    @Test
    void aSecondGrantForTheSameIdIsANewPairWithTheSameSerialAndOneRevokeEndsBoth() throws Exception {
        SshCertAdapter adapter = adapter();
        GrantRequest r = request(9, Optional.empty(), now.plus(Duration.ofMinutes(30)));
        Provisioned first = adapter.grant(r);
        Provisioned second = adapter.grant(r);

        assertNotEquals(field(first, "private key"), field(second, "private key"));
        Path one = certificateOf(first, "first");
        Path two = certificateOf(second, "second");
        assertEquals(9, SshTools.inspect(one).serial());
        assertEquals(9, SshTools.inspect(two).serial());
        assertEquals(first.handle(), second.handle());

        adapter.revoke(second.withoutCredentials());
        assertTrue(SshTools.revoked(krl, one), "the certificate of the first, lost, grant too");
        assertTrue(SshTools.revoked(krl, two));
    }

    @Test
    void revokePutsTheSerialInTheKrlAndVerifyConfirmsIt() throws Exception {
        SshCertAdapter adapter = adapter();
        Provisioned seven = adapter.grant(request(7, Optional.empty(), now.plus(Duration.ofMinutes(30))));
        Provisioned eight = adapter.grant(request(8, Optional.empty(), now.plus(Duration.ofMinutes(30))));
        Path cert7 = certificateOf(seven, "seven");
        Path cert8 = certificateOf(eight, "eight");
        assertFalse(SshTools.revoked(krl, cert7));
        assertFalse(adapter.verifyRevoked(seven.withoutCredentials()));

        adapter.revoke(seven.withoutCredentials());

        assertTrue(SshTools.revoked(krl, cert7), "ssh-keygen -Q says REVOKED");
        assertTrue(adapter.verifyRevoked(seven.withoutCredentials()));
        assertFalse(SshTools.revoked(krl, cert8), "other grants keep their access");
        assertFalse(adapter.verifyRevoked(eight.withoutCredentials()));
        assertTrue(SshTools.run("ssh-keygen", "-Q", "-l", "-f", krl.toString()).text().contains("serial: 7"));
    }

    @Test
    void revokingTwiceIsFineAndLeavesTheKrlAlone() throws Exception {
        SshCertAdapter adapter = adapter();
        Provisioned p = adapter.grant(request(7, Optional.empty(), now.plus(Duration.ofMinutes(30))));
        adapter.revoke(p.withoutCredentials());
        byte[] once = Files.readAllBytes(krl);
        FileTime modified = Files.getLastModifiedTime(krl);

        adapter.revoke(p.withoutCredentials());

        assertArrayEquals(once, Files.readAllBytes(krl));
        assertEquals(modified, Files.getLastModifiedTime(krl), "not rewritten");
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
    }

    @Test
    void revokeWorksFromTheGrantIdAloneWhenNoHandleWasStored() throws Exception {
        SshCertAdapter adapter = adapter();
        Provisioned p = adapter.grant(request(12, Optional.empty(), now.plus(Duration.ofMinutes(30))));
        Provisioned bare = new Provisioned(p.request(), "{}", Optional.empty());

        assertFalse(adapter.verifyRevoked(bare));
        adapter.revoke(bare);

        assertTrue(SshTools.revoked(krl, certificateOf(p, "bare")));
        assertTrue(adapter.verifyRevoked(new Provisioned(p.request(), "not json", Optional.empty())));
    }

    @Test
    void aHandleOfAnotherSerialIsRefused() throws Exception {
        SshCertAdapter adapter = adapter();
        Provisioned p = adapter.grant(request(7, Optional.empty(), now.plus(Duration.ofMinutes(30))));
        Provisioned wrong = new Provisioned(request(8, Optional.empty(), now.plus(Duration.ofMinutes(30))), p.handle(),
                Optional.empty());

        TargetException e = assertThrows(TargetException.class, () -> adapter.revoke(wrong));
        assertEquals("ssh-cert revoke BG-8 on prod-ssh failed: the stored handle names serial 7, not 8; it is not "
                + "this grant's", e.getMessage());
    }

    @Test
    void concurrentRevokesOfDifferentGrantsAllLandInTheKrl() throws Exception {
        // Two targets sharing one KRL, as a fleet with two roles' worth of targets would.
        SshCertAdapter one = adapter();
        SshCertAdapter two = adapter();
        int grants = 16;
        List<Provisioned> issued = new ArrayList<>();
        for (int i = 1; i <= grants; i++) {
            issued.add((i % 2 == 0 ? one : two).grant(request(100 + i, Optional.empty(), now.plus(Duration.ofHours(1)))));
        }
        ExecutorService pool = Executors.newFixedThreadPool(grants);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < grants; i++) {
                Provisioned p = issued.get(i);
                SshCertAdapter adapter = i % 2 == 0 ? two : one;
                done.add(pool.submit(() -> {
                    go.await();
                    adapter.revoke(p.withoutCredentials());
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        for (Provisioned p : issued) {
            assertTrue(SshTools.revoked(krl, certificateOf(p, p.request().id().toString())), p.request().id()
                    + " lost in a concurrent update");
            assertTrue(one.verifyRevoked(p.withoutCredentials()));
        }
    }

    @Test
    void aVanishedKrlFailsTheRevokeInsteadOfStartingAnEmptyOne() throws Exception {
        SshCertAdapter adapter = adapter();
        Provisioned p = adapter.grant(request(7, Optional.empty(), now.plus(Duration.ofMinutes(5))));
        Files.delete(krl);

        TargetException e = assertThrows(TargetException.class, () -> adapter.revoke(p.withoutCredentials()));

        assertTrue(e.getMessage().startsWith("ssh-cert revoke BG-7 on prod-ssh failed: Unable to load KRL "),
                e.getMessage());
        assertFalse(Files.exists(krl), "a new, empty KRL would un-revoke every earlier grant on the hosts");
    }

    @Test
    void aRevokedGrantIsNeverIssuedAgain() throws Exception {
        SshCertAdapter adapter = adapter();
        GrantRequest r = request(7, Optional.empty(), now.plus(Duration.ofMinutes(30)));
        adapter.revoke(adapter.grant(r).withoutCredentials());

        TargetException e = assertThrows(TargetException.class, () -> adapter.grant(r));
        assertTrue(e.getMessage().startsWith("ssh-cert grant BG-7 on prod-ssh failed: serial 7 is already revoked in "
                + "the KRL"), e.getMessage());
        try (Stream<Path> left = Files.list(work)) {
            assertEquals(0, left.count(), "the refused key pair is deleted too");
        }
    }

    @Test
    void aWindowThatHasEndedGetsNoCertificate() {
        TargetException e = assertThrows(TargetException.class,
                () -> adapter().grant(request(7, Optional.empty(), now.minusSeconds(1))));
        assertTrue(e.getMessage().contains("the access window already ended"), e.getMessage());
    }

    @Test
    void theOperatorsOwnKrlEntriesStay() throws Exception {
        Path stolen = SshTools.newCa(dir, "stolen-laptop", "");
        assertEquals(0, SshTools.run("ssh-keygen", "-k", "-f", krl.toString(), stolen + ".pub").exit());
        SshCertAdapter adapter = adapter();

        adapter.revoke(adapter.grant(request(7, Optional.empty(), now.plus(Duration.ofMinutes(5)))).withoutCredentials());

        assertTrue(SshTools.revoked(krl, Path.of(stolen + ".pub")), "the operator's revoked key is still revoked");
        assertTrue(adapter.verifyRevoked(new Provisioned(request(7, Optional.empty(), now), "{}", Optional.empty())));
    }

    @Test
    void anEncryptedCaKeyWorksWithItsPassphrase() throws Exception {
        Path encrypted = SshTools.newCa(dir, "encrypted-ca", "correct horse battery staple");
        SshCertAdapter adapter = new SshCertAdapterFactory(Clock.fixed(now, ZoneOffset.UTC),
                EnvironmentVariables.of(Map.of("CA_PASS", "correct horse battery staple")), "ssh-keygen", work)
                .create("prod-ssh", Map.of("ca-key", encrypted.toString(), "ca-key-passphrase", "${CA_PASS}",
                        "krl", krl.toString(), "principals", List.of("root")));

        Provisioned p = adapter.grant(request(7, Optional.empty(), now.plus(Duration.ofMinutes(5))));
        assertEquals(SshTools.fingerprint(Path.of(encrypted + ".pub")),
                SshTools.inspect(certificateOf(p, "enc")).signingCa());
        adapter.revoke(p.withoutCredentials());
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
        assertTrue(SshTools.revoked(krl, certificateOf(p, "enc")));
    }

    @Test
    void aCaReplacedSinceTheGrantIsNotRevokedUnderTheWrongCa() throws Exception {
        OffsetClock clock = OffsetClock.create("ssh-ca-rotation");
        Provisioned p = adapter(clock, Map.of()).grant(request(7, Optional.empty(),
                clock.instant().plus(Duration.ofMinutes(30))));
        Path newCa = SshTools.newCa(dir, "new-ca", "");
        SshCertAdapter rotated = adapter(clock, Map.of("ca-key", newCa.toString()));

        TargetException e = assertThrows(TargetException.class, () -> rotated.revoke(p.withoutCredentials()));
        assertTrue(e.getMessage().contains("its certificate was signed by CA " + caFingerprint + ", but settings.ca-key"
                + " is now CA " + rotated.caFingerprint()), e.getMessage());
        assertFalse(rotated.verifyRevoked(p.withoutCredentials()));
        assertFalse(SshTools.revoked(krl, certificateOf(p, "old")));

        clock.advance(Duration.ofMinutes(31));
        rotated.revoke(p.withoutCredentials());
        assertTrue(rotated.verifyRevoked(p.withoutCredentials()), "an expired certificate needs no KRL entry");
    }

    @Test
    void theSessionKillCommandGetsTheKeyIdOnEveryRevoke() throws Exception {
        Path calls = dir.resolve("calls.txt");
        Path environment = dir.resolve("env.txt");
        Path script = executable("kill-sessions", "#!/bin/sh\n"
                + "echo \"$1 $2 serial=$BREAKGLASS_SERIAL grant=$BREAKGLASS_GRANT_ID target=$BREAKGLASS_TARGET\" >> "
                + calls + "\nenv > " + environment + "\n");
        SshCertAdapter adapter = adapter(Clock.fixed(now, ZoneOffset.UTC),
                Map.of("session-kill-command", List.of(script.toString(), "--all-hosts")));
        Provisioned p = adapter.grant(request(7, Optional.empty(), now.plus(Duration.ofMinutes(5))));

        adapter.revoke(p.withoutCredentials());
        adapter.revoke(p.withoutCredentials());

        assertEquals(List.of("--all-hosts breakglass:BG-7:U0ALICE serial=7 grant=BG-7 target=prod-ssh",
                "--all-hosts breakglass:BG-7:U0ALICE serial=7 grant=BG-7 target=prod-ssh"),
                Files.readAllLines(calls), "run on every revoke");
        List<String> seen = Files.readAllLines(environment).stream().map(l -> l.split("=", 2)[0]).toList();
        for (String name : System.getenv().keySet()) {
            if (!List.of("PATH", "HOME", "PWD", "SHLVL", "_").contains(name)) {
                assertFalse(seen.contains(name), name + " of the bot's environment reached the command");
            }
        }
        assertTrue(seen.contains("BREAKGLASS_KEY_ID"), seen.toString());
    }

    @Test
    void aFailingSessionKillCommandFailsTheRevokeAfterTheKrlEntry() throws Exception {
        Path script = executable("fails", "#!/bin/sh\necho 'salt master unreachable' >&2\nexit 3\n");
        SshCertAdapter adapter = adapter(Clock.fixed(now, ZoneOffset.UTC),
                Map.of("session-kill-command", script.toString()));
        Provisioned p = adapter.grant(request(7, Optional.empty(), now.plus(Duration.ofMinutes(5))));

        TargetException e = assertThrows(TargetException.class, () -> adapter.revoke(p.withoutCredentials()));

        assertEquals("ssh-cert revoke BG-7 on prod-ssh failed: the serial is in the KRL, but ending live sessions "
                + "failed: " + script + " exited with 3 (its output is in the bot's log)", e.getMessage());
        assertFalse(e.getMessage().contains("salt master"), "the program's output never reaches Slack");
        assertTrue(SshTools.revoked(krl, certificateOf(p, "k")), "new logins are stopped regardless");
    }

    @Test
    void aSessionKillCommandThatHangsIsStoppedAtItsTimeout() throws Exception {
        Path script = executable("hangs", "#!/bin/sh\nsleep 60\n");
        SshCertAdapter adapter = adapter(Clock.fixed(now, ZoneOffset.UTC),
                Map.of("session-kill-command", script.toString(), "session-kill-timeout", "1s"));
        Provisioned p = adapter.grant(request(7, Optional.empty(), now.plus(Duration.ofMinutes(5))));
        long started = System.nanoTime();

        TargetException e = assertThrows(TargetException.class, () -> adapter.revoke(p.withoutCredentials()));

        assertTrue(e.getMessage().endsWith(script + " did not finish within 1s and was stopped"), e.getMessage());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20), "did not wait for the sleep");
    }

    @Test
    void keyIdsStayOneToken() {
        GrantRequest odd = new GrantRequest(new dev.breakglass.grant.GrantId(3), "t", Optional.empty(),
                "U0 EVIL\nX", Optional.empty(), now, "why");
        assertEquals("breakglass:BG-3:U0_EVIL_X", SshCertAdapter.keyId(odd));
    }

    private Path executable(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}

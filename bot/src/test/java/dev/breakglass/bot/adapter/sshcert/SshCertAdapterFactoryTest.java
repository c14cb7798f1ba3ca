package dev.breakglass.bot.adapter.sshcert;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** What the factory checks at start, on real files: the bot refuses to start with a message naming the setting. */
class SshCertAdapterFactoryTest {
    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    static Path caDir;
    private static Path ca;
    private static Path encryptedCa;

    @TempDir
    Path dir;
    private Path krl;
    private Path work;

    @BeforeAll
    static void createCas() {
        ca = SshTools.newCa(caDir, "ca", "");
        encryptedCa = SshTools.newCa(caDir, "encrypted-ca", PASSPHRASE);
    }

    @BeforeEach
    void paths() throws IOException {
        krl = dir.resolve("revoked.krl");
        work = Files.createDirectory(dir.resolve("work"));
    }

    private SshCertAdapter create(Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(Map.of("ca-key", ca.toString(), "krl", krl.toString(),
                "principals", List.of("root")));
        settings.putAll(extra);
        return new SshCertAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(Map.of("CA_PASS", PASSPHRASE,
                "WRONG_PASS", "not it")), "ssh-keygen", work).create("prod-ssh", settings);
    }

    private String refused(Map<String, Object> extra) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> create(extra));
        assertFalse(e.getMessage().contains(PASSPHRASE), "never the passphrase: " + e.getMessage());
        return e.getMessage();
    }

    private static void assertStarts(String expected, String actual) {
        assertTrue(actual.startsWith(expected), "expected: " + expected + "\n   actual: " + actual);
    }

    @Test
    void theTypeIsSshCert() {
        assertEquals("ssh-cert", new SshCertAdapterFactory(Clock.systemUTC()).type());
    }

    @Test
    void aGoodTargetStartsAndCreatesItsKrl() {
        SshCertAdapter adapter = create(Map.of());

        assertEquals("prod-ssh", adapter.target());
        assertEquals(SshTools.fingerprint(Path.of(ca + ".pub")), adapter.caFingerprint());
        assertTrue(Files.isRegularFile(krl), "created if missing");
        assertEquals(0, SshTools.run("ssh-keygen", "-Q", "-l", "-f", krl.toString()).exit(), "an empty KRL");
    }

    @Test
    void anEmptyKrlFileBecomesAnEmptyKrl() throws IOException {
        Files.createFile(krl);
        create(Map.of());
        assertTrue(Files.size(krl) > 0);
        assertEquals(0, SshTools.run("ssh-keygen", "-Q", "-l", "-f", krl.toString()).exit());
    }

    @Test
    void anExistingKrlIsKeptAsItIs() throws IOException {
        Path other = SshTools.newCa(dir, "revoked-key", "");
        assertEquals(0, SshTools.run("ssh-keygen", "-k", "-f", krl.toString(), other + ".pub").exit());
        byte[] before = Files.readAllBytes(krl);
        create(Map.of());
        assertArrayEquals(before, Files.readAllBytes(krl));
    }

    @Test
    void theCaKeyMustExist() {
        assertEquals("settings.ca-key: \"" + dir.resolve("nope") + "\" does not exist",
                refused(Map.of("ca-key", dir.resolve("nope").toString())));
        assertEquals("settings.ca-key: \"" + dir + "\" is not a file", refused(Map.of("ca-key", dir.toString())));
    }

    @Test
    void theCaKeyMustBeReadable() throws IOException {
        assumeFalse(SshTools.isRoot(), "root reads every file");
        Path locked = Files.copy(ca, dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assertStarts("settings.ca-key: \"" + locked + "\" is not readable by the bot's user",
                refused(Map.of("ca-key", locked.toString())));
    }

    @Test
    void aPublicKeyIsNotTheCaKey() {
        assertEquals("settings.ca-key: \"" + ca + ".pub\" is a public key or certificate; give the CA's private key "
                + "(the file without .pub)", refused(Map.of("ca-key", ca + ".pub")));
    }

    @Test
    void somethingElseIsNotAKey() throws IOException {
        Path garbage = SshTools.writePrivate(dir.resolve("garbage"), "hello, I am not a key");
        assertStarts("settings.ca-key: ssh-keygen cannot use \"" + garbage + "\" as a CA key: ",
                refused(Map.of("ca-key", garbage.toString())));
    }

    @Test
    void aCaKeyOthersCanReadIsRefusedAsSshKeygenDoes() throws IOException {
        Path open = Files.copy(ca, dir.resolve("open-ca"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        String message = refused(Map.of("ca-key", open.toString()));
        assertStarts("settings.ca-key: ssh-keygen cannot use \"" + open + "\" as a CA key: ", message);
        assertTrue(message.contains("are too open") && message.contains("bad permissions"), message);
    }

    @Test
    void aPubBesideTheKeyMustBeItsPublicKey() throws IOException {
        Path key = Files.copy(ca, dir.resolve("ca"));
        Files.copy(Path.of(encryptedCa + ".pub"), dir.resolve("ca.pub"));
        String message = refused(Map.of("ca-key", key.toString()));
        assertStarts("settings.ca-key: \"" + dir.resolve("ca.pub") + "\" beside it is not its public key (it is "
                + SshTools.fingerprint(Path.of(encryptedCa + ".pub")) + ", the private key is "
                + SshTools.fingerprint(Path.of(ca + ".pub")) + ")", message);
    }

    @Test
    void aKeyWithoutItsPubIsFine() throws IOException {
        Path key = Files.copy(ca, dir.resolve("lonely-ca"));
        assertEquals(SshTools.fingerprint(Path.of(ca + ".pub")), create(Map.of("ca-key", key.toString()))
                .caFingerprint(), "the public key is derived with ssh-keygen -y");
    }

    @Test
    void anEncryptedCaKeyNeedsItsPassphrase() {
        assertEquals("settings.ca-key: \"" + encryptedCa + "\" is encrypted; set settings.ca-key-passphrase to a "
                + "${NAME} reference holding its passphrase", refused(Map.of("ca-key", encryptedCa.toString())));
        assertEquals("settings.ca-key-passphrase: the passphrase does not decrypt settings.ca-key \"" + encryptedCa
                        + "\"", refused(Map.of("ca-key", encryptedCa.toString(), "ca-key-passphrase", "${WRONG_PASS}")));
        assertEquals(SshTools.fingerprint(Path.of(encryptedCa + ".pub")), create(Map.of("ca-key",
                encryptedCa.toString(), "ca-key-passphrase", "${CA_PASS}")).caFingerprint());
    }

    @Test
    void aPassphraseForAKeyWithoutOneOnlyWarns() {
        create(Map.of("ca-key-passphrase", "${CA_PASS}"));
    }

    @Test
    void theKrlsDirectoryMustExist() {
        Path missing = dir.resolve("no-such-dir").resolve("revoked.krl");
        assertEquals("settings.krl: the directory of \"" + missing + "\" does not exist",
                refused(Map.of("krl", missing.toString())));
    }

    @Test
    void theKrlMustBeAFile() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("krl-dir"));
        assertEquals("settings.krl: \"" + folder + "\" is not a file", refused(Map.of("krl", folder.toString())));
    }

    @Test
    void theKrlsDirectoryMustBeWritable() throws IOException {
        assumeFalse(SshTools.isRoot(), "root writes everywhere");
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
        assertStarts("settings.krl: the bot cannot write in " + readOnly,
                refused(Map.of("krl", readOnly.resolve("revoked.krl").toString())));
    }

    @Test
    void aFileThatIsNoKrlIsLeftAlone() throws IOException {
        Files.writeString(krl, Files.readString(Path.of(ca + ".pub")));
        String message = refused(Map.of());
        assertStarts("settings.krl: \"" + krl + "\" is not a KRL (", message);
        assertTrue(message.endsWith("If it is a list of revoked keys, convert it with ssh-keygen -k -f new.krl "
                + "<list>, or name a new file"), message);
        assertEquals(Files.readString(Path.of(ca + ".pub")), Files.readString(krl), "not overwritten");
    }

    @Test
    void sshKeygenMustRun() {
        Path missing = dir.resolve("bin").resolve("ssh-keygen");
        assertEquals("settings.ssh-keygen: cannot run " + missing + ": No such file or directory",
                refused(Map.of("ssh-keygen", missing.toString())));
    }

    @Test
    void theSessionKillCommandMustBeAnExecutableFile() throws IOException {
        Path missing = dir.resolve("kill-sessions");
        assertEquals("settings.session-kill-command: \"" + missing + "\" does not exist",
                refused(Map.of("session-kill-command", missing.toString())));
        Files.writeString(missing, "#!/bin/sh\n");
        Files.setPosixFilePermissions(missing, PosixFilePermissions.fromString("rw-r--r--"));
        // Even root may only execute a file with an x bit.
        assertStarts("settings.session-kill-command: \"" + missing + "\" is not an executable file",
                refused(Map.of("session-kill-command", missing.toString())));
        assertStarts("settings.session-kill-command: \"" + dir + "\" is not an executable file",
                refused(Map.of("session-kill-command", dir.toString())));
    }
}

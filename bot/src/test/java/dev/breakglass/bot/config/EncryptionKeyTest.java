package dev.breakglass.bot.config;

import dev.breakglass.bot.persistence.CredentialCipher;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class EncryptionKeyTest {
    private static final byte[] BYTES = HexFormat.of()
            .parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final String BASE64 = Base64.getEncoder().encodeToString(BYTES);

    @Test
    void firstStartCreatesAnOwnerOnlyKeyFile(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        EncryptionKey key = EncryptionKey.resolve(null, data);
        Path file = data.resolve("breakglass.key");
        assertEquals(EncryptionKey.Origin.NEW_KEY_FILE, key.origin());
        assertEquals(java.util.Optional.of(file), key.file());
        assertEquals(32, Files.size(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)),
                "a folder the bot creates is owner-only too");
        try (Stream<Path> files = Files.list(data)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
        assertTrue(key.describe().contains("created now"), key.describe());
    }

    @Test
    void laterStartsReuseTheKeyFile(@TempDir Path tmp) throws Exception {
        EncryptionKey first = EncryptionKey.resolve("", tmp);
        byte[] written = Files.readAllBytes(tmp.resolve("breakglass.key"));
        EncryptionKey second = EncryptionKey.resolve("  ", tmp);
        assertEquals(EncryptionKey.Origin.KEY_FILE, second.origin());
        assertEquals(first.fingerprint(), second.fingerprint());
        assertArrayEquals(written, Files.readAllBytes(tmp.resolve("breakglass.key")), "the file is not rewritten");

        // what the first start sealed, the second can reveal
        GrantId grant = new GrantId(42);
        Credentials credentials = new Credentials(Map.of("password", "kept across restarts"));
        byte[] sealed = new CredentialCipher(first).seal(grant, credentials);
        assertEquals(credentials, new CredentialCipher(second).open(grant, sealed));
    }

    @Test
    void startsRacingOnAnEmptyFolderAgreeOnOneKey(@TempDir Path tmp) throws Exception {
        int starts = 8;
        ExecutorService pool = Executors.newFixedThreadPool(starts);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<EncryptionKey>> keys = new ArrayList<>();
            for (int i = 0; i < starts; i++) {
                keys.add(pool.submit(() -> {
                    go.await();
                    return EncryptionKey.fromFolder(tmp);
                }));
            }
            go.countDown();
            Set<String> fingerprints = keys.stream().map(f -> {
                try {
                    return f.get().fingerprint();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).collect(Collectors.toSet());
            assertEquals(1, fingerprints.size(), fingerprints.toString());
            assertEquals(fingerprints, Set.of(EncryptionKey.fromFolder(tmp).fingerprint()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theEnvironmentWinsAndNoFileIsCreated(@TempDir Path tmp) {
        EncryptionKey key = EncryptionKey.resolve(BASE64, tmp);
        assertEquals(EncryptionKey.Origin.ENVIRONMENT, key.origin());
        assertEquals(EncryptionKey.of(BYTES).fingerprint(), key.fingerprint());
        assertFalse(Files.exists(tmp.resolve("breakglass.key")));
        assertArrayEquals(BYTES, key.secretKey().getEncoded());
    }

    @Test
    void environmentValueMayHaveANewlineOrUseTheUrlSafeAlphabet() {
        byte[] awkward = new byte[32];
        java.util.Arrays.fill(awkward, (byte) 0xFB); // "+/" in standard base64, "-_" URL-safe
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(awkward);
        assertTrue(urlSafe.contains("-") || urlSafe.contains("_"), urlSafe);
        assertEquals(EncryptionKey.of(awkward).fingerprint(), EncryptionKey.fromEnvironment(urlSafe).fingerprint());
        assertEquals(EncryptionKey.of(BYTES).fingerprint(), EncryptionKey.fromEnvironment(BASE64 + "\n").fingerprint());
    }

    @Test
    void badEnvironmentValuesNameTheVariableNotTheValue() {
        String notBase64 = "this is not base64 at all!";
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> EncryptionKey.resolve(notBase64, Path.of("unused")));
        assertEquals("BREAKGLASS_ENCRYPTION_KEY is not valid base64: it must be the base64 of 32 random bytes, like "
                + "the output of: openssl rand -base64 32", e.getMessage());
        assertEquals(null, e.getCause());

        String sixteen = Base64.getEncoder().encodeToString(new byte[16]);
        InvalidConfigurationException shortKey = assertThrows(InvalidConfigurationException.class,
                () -> EncryptionKey.fromEnvironment(sixteen));
        assertTrue(shortKey.getMessage().startsWith("BREAKGLASS_ENCRYPTION_KEY holds 16 bytes, not 32"),
                shortKey.getMessage());
        assertFalse(shortKey.getMessage().contains(sixteen));

        String longer = Base64.getEncoder().encodeToString(new byte[33]);
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> EncryptionKey.fromEnvironment(longer))
                .getMessage().contains("holds 33 bytes"));
    }

    @Test
    void aKeyFileOfTheWrongSizeIsRefused(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("breakglass.key");
        Files.write(file, new byte[31]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> EncryptionKey.resolve(null, tmp));
        assertTrue(e.getMessage().startsWith(file + " holds 31 bytes; an encryption key file holds exactly 32 raw "
                + "bytes. Restore it from a backup"), e.getMessage());
        assertEquals(31, Files.size(file), "never replaced");

        Files.write(file, new byte[0]);
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> EncryptionKey.fromFolder(tmp))
                .getMessage().contains("holds 0 bytes"));
    }

    @Test
    void aKeyFileOthersCanReadIsRefused(@TempDir Path tmp) throws Exception {
        EncryptionKey.fromFolder(tmp);
        Path file = tmp.resolve("breakglass.key");
        for (String open : new String[] {"rw-r--r--", "rw-rw----", "rw----r--", "r-----r--", "rw-----w-"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(open));
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> EncryptionKey.fromFolder(tmp), open);
            assertEquals(file + " is readable or writable by others (permissions " + open + "); the encryption key "
                    + "file must be owner-only: run chmod 600 " + file + " (and consider whether the key has leaked)",
                    e.getMessage());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        EncryptionKey.fromFolder(tmp); // read-only for the owner is fine
    }

    @Test
    void aFolderInPlaceOfTheKeyFileIsRefused(@TempDir Path tmp) throws Exception {
        Files.createDirectory(tmp.resolve("breakglass.key"));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> EncryptionKey.fromFolder(tmp));
        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
    }

    @Test
    void aDataFolderThatCannotBeWrittenSaysWhatToDo(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-x------"));
        try {
            assumeFalse(Files.isWritable(data), "running as root: folder permissions do not apply");
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> EncryptionKey.fromFolder(data));
            assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
            assertTrue(e.getMessage().contains("BREAKGLASS_ENCRYPTION_KEY"), e.getMessage());
        } finally {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void neverPrintsTheKey(@TempDir Path tmp) throws Exception {
        for (EncryptionKey key : List.of(EncryptionKey.of(BYTES), EncryptionKey.fromEnvironment(BASE64),
                EncryptionKey.fromFolder(tmp))) {
            byte[] raw = key.secretKey().getEncoded();
            for (String shown : List.of(key.toString(), key.describe())) {
                assertFalse(shown.contains(Base64.getEncoder().encodeToString(raw)), shown);
                assertFalse(shown.contains(Base64.getEncoder().encodeToString(raw).substring(0, 8)), shown);
                assertFalse(shown.contains(HexFormat.of().formatHex(raw).substring(0, 8)), shown);
                assertTrue(shown.contains(key.fingerprint()), shown);
            }
        }
        assertEquals("EncryptionKey[ENVIRONMENT, fingerprint " + EncryptionKey.fromEnvironment(BASE64).fingerprint()
                + "]", EncryptionKey.fromEnvironment(BASE64).toString());
    }

    @Test
    void fingerprintsTellKeysApart() {
        assertEquals(16, EncryptionKey.of(BYTES).fingerprint().length());
        assertNotEquals(EncryptionKey.of(BYTES).fingerprint(), EncryptionKey.random().fingerprint());
        assertNotEquals(EncryptionKey.random().fingerprint(), EncryptionKey.random().fingerprint());
    }

    @Test
    void ofRefusesAnotherLength() {
        assertThrows(IllegalArgumentException.class, () -> EncryptionKey.of(new byte[16]));
    }

    @Test
    void theFactoryReadsTheSettingElseTheDataFolder(@TempDir Path tmp) {
        EncryptionKeyFactory factory = new EncryptionKeyFactory();
        assertEquals(EncryptionKey.Origin.ENVIRONMENT, factory.encryptionKey(BASE64, tmp.toString()).origin());
        assertFalse(Files.exists(tmp.resolve("breakglass.key")));
        EncryptionKey fromFile = factory.encryptionKey("", tmp.toString());
        assertEquals(EncryptionKey.Origin.NEW_KEY_FILE, fromFile.origin());
        assertEquals(fromFile.fingerprint(), factory.encryptionKey("", tmp.toString()).fingerprint());
    }
}

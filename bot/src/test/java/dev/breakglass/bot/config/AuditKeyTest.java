package dev.breakglass.bot.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit key comes from the variable or an owner-only key file, by the same mechanism as the encryption key. */
class AuditKeyTest {
    @TempDir
    Path data;

    @Test
    void theKeyFileIsCreatedOwnerOnlyOnceAndReused() throws Exception {
        AuditKey first = AuditKey.resolve("", data);
        Path file = data.resolve(AuditKey.FILE_NAME);
        assertEquals(32, Files.size(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(first.describe().contains("created now"), first.describe());
        AuditKey again = AuditKey.resolve(null, data);
        assertEquals(first.fingerprint(), again.fingerprint());
        assertEquals(first.mac("x"), again.mac("x"));
        String asVariable = Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        assertEquals(first.fingerprint(), AuditKey.resolve(asVariable, data.resolve("elsewhere")).fingerprint());
        assertFalse(Files.exists(data.resolve("elsewhere")), "with the variable set no key file is made");
    }

    @Test
    void theCommandLineNeverCreatesOne() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> AuditKey.forVerifying("", data));
        assertTrue(e.getMessage().startsWith("no audit key: set BREAKGLASS_AUDIT_KEY"), e.getMessage());
        assertFalse(Files.exists(data.resolve(AuditKey.FILE_NAME)));
    }

    @Test
    void aBadVariableOrFileIsNamedWithoutItsValue() throws Exception {
        String sixteen = Base64.getEncoder().encodeToString(new byte[16]);
        InvalidConfigurationException shortKey = assertThrows(InvalidConfigurationException.class,
                () -> AuditKey.resolve(sixteen, data));
        assertTrue(shortKey.getMessage().startsWith("BREAKGLASS_AUDIT_KEY holds 16 bytes, not 32"), shortKey.getMessage());
        assertFalse(shortKey.getMessage().contains(sixteen));
        Files.write(data.resolve(AuditKey.FILE_NAME), new byte[32]);
        Files.setPosixFilePermissions(data.resolve(AuditKey.FILE_NAME), PosixFilePermissions.fromString("rw-r--r--"));
        InvalidConfigurationException open = assertThrows(InvalidConfigurationException.class,
                () -> AuditKey.resolve("", data));
        assertTrue(open.getMessage().contains("the audit key file must be owner-only"), open.getMessage());
    }

    @Test
    void theFingerprintNamesTheKeyAndNothingPrintsIt() {
        byte[] raw = new byte[32];
        raw[0] = 7;
        AuditKey key = AuditKey.of(raw);
        assertNotEquals(AuditKey.random().fingerprint(), key.fingerprint());
        assertTrue(key.toString().contains(key.fingerprint()));
        assertFalse(key.toString().contains(Base64.getEncoder().encodeToString(raw)));
    }
}

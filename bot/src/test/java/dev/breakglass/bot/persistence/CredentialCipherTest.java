package dev.breakglass.bot.persistence;

import dev.breakglass.bot.config.EncryptionKey;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.Credentials;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialCipherTest {
    private static final GrantId GRANT = new GrantId(7);
    private static final byte[] KEY = new byte[32];

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) (i * 7 + 3);
        }
    }

    private final CredentialCipher cipher = new CredentialCipher(EncryptionKey.of(KEY));

    private static Credentials credentials() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("user", "bg_alice");
        fields.put("password", "hunter2-é-🔑");
        return new Credentials(fields);
    }

    @Test
    void roundTrip() {
        assertEquals(credentials(), cipher.open(GRANT, cipher.seal(GRANT, credentials())));
    }

    @Test
    void formatIsVersionNonceCiphertextAndTag() throws Exception {
        byte[] sealed = cipher.seal(GRANT, credentials());
        assertEquals(CredentialCipher.VERSION_1, sealed[0]);

        // open it independently, with the JDK and the documented layout, to pin the format down
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, sealed, 1, 12));
        aes.updateAAD(ByteBuffer.allocate(9).put((byte) 1).putLong(7).array());
        byte[] plaintext = aes.doFinal(sealed, 13, sealed.length - 13);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(ByteBuffer.allocate(4).putInt(2).array());
        for (String text : new String[] {"user", "bg_alice", "password", "hunter2-é-🔑"}) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            expected.writeBytes(ByteBuffer.allocate(4).putInt(utf8.length).array());
            expected.writeBytes(utf8);
        }
        assertArrayEquals(expected.toByteArray(), plaintext);
        assertEquals(1 + 12 + plaintext.length + 16, sealed.length);
    }

    @Test
    void everySealHasANewNonce() {
        Set<String> nonces = new HashSet<>();
        byte[] previous = null;
        for (int i = 0; i < 50; i++) {
            byte[] sealed = cipher.seal(GRANT, credentials());
            assertTrue(nonces.add(Arrays.toString(Arrays.copyOfRange(sealed, 1, 13))), "nonce repeated");
            if (previous != null) {
                assertFalse(Arrays.equals(previous, sealed));
            }
            previous = sealed;
        }
    }

    @Test
    void anyChangedByteFailsToOpen() {
        byte[] sealed = cipher.seal(GRANT, credentials());
        for (int i = 1; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            CredentialIntegrityException e = assertThrows(CredentialIntegrityException.class,
                    () -> cipher.open(GRANT, tampered), "byte " + i);
            assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
        }
    }

    @Test
    void truncatedOrExtendedFailsToOpen() {
        byte[] sealed = cipher.seal(GRANT, credentials());
        for (int length : new int[] {0, 1, 13, 28, sealed.length - 1}) {
            byte[] cut = Arrays.copyOf(sealed, length);
            assertThrows(CredentialIntegrityException.class, () -> cipher.open(GRANT, cut), "length " + length);
        }
        byte[] longer = Arrays.copyOf(sealed, sealed.length + 1);
        assertThrows(CredentialIntegrityException.class, () -> cipher.open(GRANT, longer));
    }

    @Test
    void anUnknownVersionIsRefusedByName() {
        byte[] sealed = cipher.seal(GRANT, credentials());
        sealed[0] = 2;
        CredentialIntegrityException e = assertThrows(CredentialIntegrityException.class,
                () -> cipher.open(GRANT, sealed));
        assertTrue(e.getMessage().contains("unknown format version 2"), e.getMessage());
    }

    @Test
    void wrongKeyFailsToOpen() {
        byte[] sealed = cipher.seal(GRANT, credentials());
        CredentialCipher other = new CredentialCipher(EncryptionKey.random());
        assertThrows(CredentialIntegrityException.class, () -> other.open(GRANT, sealed));
    }

    @Test
    void anotherGrantFailsToOpen() {
        byte[] sealed = cipher.seal(GRANT, credentials());
        CredentialIntegrityException e = assertThrows(CredentialIntegrityException.class,
                () -> cipher.open(new GrantId(8), sealed));
        assertEquals(new GrantId(8), e.grant());
        assertTrue(e.getMessage().startsWith("the sealed credentials of BG-8 cannot be opened"), e.getMessage());
    }

    @Test
    void theSameKeyInAnotherInstanceOpens() {
        byte[] sealed = cipher.seal(GRANT, credentials());
        assertEquals(credentials(), new CredentialCipher(EncryptionKey.of(KEY)).open(GRANT, sealed));
    }

    @Test
    void messagesNeverHoldSecrets() {
        byte[] sealed = cipher.seal(GRANT, credentials());
        CredentialIntegrityException e = assertThrows(CredentialIntegrityException.class,
                () -> new CredentialCipher(EncryptionKey.random()).open(GRANT, sealed));
        assertFalse(e.getMessage().contains("hunter2"));
        assertFalse(e.getMessage().contains("bg_alice"));
        assertEquals(null, e.getCause(), "no cipher exception attached");
        assertFalse(credentials().toString().contains("hunter2"));
    }

    @Test
    void nullValuesAndUnpairedSurrogatesAreRefusedWithoutQuotingTheValue() {
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("password", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cipher.seal(GRANT, new Credentials(nullValue)));
        assertEquals("credentials field \"password\" has no value", e.getMessage());

        String broken = "secret\uD800tail";
        IllegalArgumentException surrogate = assertThrows(IllegalArgumentException.class,
                () -> cipher.seal(GRANT, new Credentials(Map.of("token", broken))));
        assertFalse(surrogate.getMessage().contains("secret"), surrogate.getMessage());
        assertTrue(surrogate.getMessage().contains("token"), surrogate.getMessage());
    }

    @Test
    void oversizedCredentialsAreRefused() {
        String huge = "x".repeat(CredentialCipher.MAX_PLAINTEXT);
        assertThrows(IllegalArgumentException.class, () -> cipher.seal(GRANT, new Credentials(Map.of("blob", huge))));
        String large = "x".repeat(CredentialCipher.MAX_PLAINTEXT - 100);
        assertEquals(large, cipher.open(GRANT, cipher.seal(GRANT, new Credentials(Map.of("blob", large))))
                .fields().get("blob"));
    }

    @Test
    void emptyTextRoundTrips() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("", "");
        fields.put("b", "");
        Credentials c = new Credentials(fields);
        assertEquals(c, cipher.open(GRANT, cipher.seal(GRANT, c)));
        assertNotEquals(0, cipher.seal(GRANT, c).length);
    }
}

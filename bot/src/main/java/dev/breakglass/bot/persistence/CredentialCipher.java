package dev.breakglass.bot.persistence;

import dev.breakglass.bot.config.EncryptionKey;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.Credentials;
import jakarta.inject.Singleton;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Seals a grant's {@link Credentials} for storage, and opens them again: AES-256-GCM from the JDK.
 *
 * <p>Sealed format, version 1: {@code 0x01 ‖ nonce (12 random bytes, new for every seal) ‖ ciphertext ‖ tag (16
 * bytes)}. The associated data is the version byte and the grant id (8 bytes, big-endian), so a sealed value
 * only opens for the grant it was sealed for, and its version byte cannot be swapped. A later key or algorithm gets
 * a new leading byte; {@link #open} refuses versions it does not know.
 *
 * <p>Plaintext, version 1: {@code count ‖ (labelLength ‖ label ‖ valueLength ‖ value) × count}, lengths as 4-byte
 * big-endian unsigned numbers, text as strict UTF-8 (an unpaired surrogate is refused, not replaced), in the
 * credentials' display order. Reading is strict too: short, trailing or repeated fields fail.
 *
 * <p>Edge cases: a null label or value is refused ({@link IllegalArgumentException}, naming the label, never a
 * value); so are credentials above {@value #MAX_PLAINTEXT} bytes in all. Anything that does not open — wrong key,
 * another grant, altered bytes, unknown version, truncated — is a {@link CredentialIntegrityException} that never
 * holds secret material. Plaintext buffers are wiped after use (the Java strings cannot be). Thread-safe.
 */
@Singleton
public class CredentialCipher {
    /** The leading byte of the current format. */
    public static final byte VERSION_1 = 1;
    /** The largest plaintext sealed: 1 MiB (a kubeconfig with certificates is a few KiB). */
    public static final int MAX_PLAINTEXT = 1 << 20;

    static final int NONCE_LENGTH = 12;
    static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int HEADER_LENGTH = 1 + NONCE_LENGTH;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    public CredentialCipher(EncryptionKey key) {
        this.key = Objects.requireNonNull(key, "key").secretKey();
    }

    /**
     * Encrypts {@code credentials} for {@code grant}; sealing the same credentials twice gives different bytes.
     *
     * @throws IllegalArgumentException for a null label or value, or credentials too large
     */
    public byte[] seal(GrantId grant, Credentials credentials) {
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(credentials, "credentials");
        byte[] plaintext = encode(credentials);
        try {
            return encrypt(associatedData(VERSION_1, grant), plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * Decrypts what {@link #seal} made for {@code grant}.
     *
     * @throws CredentialIntegrityException when the bytes do not open for this grant with this key
     */
    public Credentials open(GrantId grant, byte[] sealed) {
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(sealed, "sealed");
        byte[] plaintext;
        try {
            plaintext = decrypt(associatedData(VERSION_1, grant), sealed);
        } catch (Unopenable e) {
            throw new CredentialIntegrityException(grant, e.getMessage());
        }
        try {
            return decode(grant, plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * Seals a secret that is not a grant's: the step-up secret of a person. Same format, algorithm and key as
     * credentials; the associated data is the version byte, {@code purpose} and {@code owner} (UTF-8, each
     * length-prefixed), so the bytes open only for the same purpose and owner — a row copied to another person does
     * not open. The caller wipes {@code secret} when it no longer needs it.
     *
     * @param purpose what the secret is, like {@code "step-up:totp"}
     * @param owner   whose it is, like a Slack user id
     */
    public byte[] sealSecret(String purpose, String owner, byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        return encrypt(associatedData(VERSION_1, purpose, owner), secret);
    }

    /**
     * Opens what {@link #sealSecret} made for the same {@code purpose} and {@code owner}.
     *
     * @throws IllegalStateException when the bytes do not open (another key, altered, another owner), naming the
     *                               purpose and owner only
     */
    public byte[] openSecret(String purpose, String owner, byte[] sealed) {
        Objects.requireNonNull(sealed, "sealed");
        try {
            return decrypt(associatedData(VERSION_1, purpose, owner), sealed);
        } catch (Unopenable e) {
            throw new IllegalStateException("the sealed " + purpose + " secret of " + owner + " cannot be opened ("
                    + e.getMessage() + "): sealed with another encryption key, altered, or copied from another row; "
                    + "check that every replica uses the same BREAKGLASS_ENCRYPTION_KEY or key file");
        }
    }

    /** {@code 0x01 ‖ nonce ‖ ciphertext ‖ tag} of {@code plaintext}, authenticated with {@code aad}. */
    private byte[] encrypt(byte[] aad, byte[] plaintext) {
        try {
            byte[] nonce = new byte[NONCE_LENGTH];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = new byte[HEADER_LENGTH + cipher.getOutputSize(plaintext.length)];
            sealed[0] = VERSION_1;
            System.arraycopy(nonce, 0, sealed, 1, NONCE_LENGTH);
            int written = cipher.doFinal(plaintext, 0, plaintext.length, sealed, HEADER_LENGTH);
            return written == sealed.length - HEADER_LENGTH ? sealed : Arrays.copyOf(sealed, HEADER_LENGTH + written);
        } catch (GeneralSecurityException e) {
            // AES-GCM is part of every JDK; failing here is a broken runtime, not bad input
            throw new IllegalStateException("AES-GCM is not available: " + e.getClass().getSimpleName());
        }
    }

    /** The plaintext of {@link #encrypt}'s bytes; the caller wipes it. */
    private byte[] decrypt(byte[] aad, byte[] sealed) throws Unopenable {
        if (sealed.length == 0) {
            throw new Unopenable("empty");
        }
        if (sealed[0] != VERSION_1) {
            throw new Unopenable("unknown format version " + (sealed[0] & 0xff));
        }
        if (sealed.length < HEADER_LENGTH + TAG_BITS / 8) {
            throw new Unopenable("truncated");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_LENGTH));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, HEADER_LENGTH, sealed.length - HEADER_LENGTH);
        } catch (AEADBadTagException e) {
            throw new Unopenable("authentication failed");
        } catch (GeneralSecurityException e) {
            throw new Unopenable("decryption failed: " + e.getClass().getSimpleName());
        }
    }

    /** Why sealed bytes did not open; never holds secret material. */
    private static final class Unopenable extends Exception {
        private static final long serialVersionUID = 1L;

        Unopenable(String reason) {
            super(reason, null, false, false);
        }
    }

    private static byte[] associatedData(byte version, String purpose, String owner) {
        byte[] p = Objects.requireNonNull(purpose, "purpose").getBytes(StandardCharsets.UTF_8);
        byte[] o = Objects.requireNonNull(owner, "owner").getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + p.length + 4 + o.length).put(version).putInt(p.length).put(p)
                .putInt(o.length).put(o).array();
    }

    private static byte[] associatedData(byte version, GrantId grant) {
        return ByteBuffer.allocate(1 + Long.BYTES).put(version).putLong(grant.value()).array();
    }

    // ---- plaintext ----------------------------------------------------------------------------------------

    private static byte[] encode(Credentials credentials) {
        List<byte[]> parts = new ArrayList<>(2 * credentials.fields().size());
        try {
            long total = Integer.BYTES;
            for (Map.Entry<String, String> field : credentials.fields().entrySet()) {
                if (field.getKey() == null) {
                    throw new IllegalArgumentException("credentials with a field without a label");
                }
                if (field.getValue() == null) {
                    throw new IllegalArgumentException("credentials field \"" + field.getKey() + "\" has no value");
                }
                parts.add(utf8(field.getKey(), "label"));
                parts.add(utf8(field.getValue(), "value of \"" + field.getKey() + "\""));
                total += 2L * Integer.BYTES + parts.get(parts.size() - 2).length + parts.get(parts.size() - 1).length;
                if (total > MAX_PLAINTEXT) {
                    throw new IllegalArgumentException("credentials larger than " + MAX_PLAINTEXT + " bytes");
                }
            }
            ByteBuffer out = ByteBuffer.allocate((int) total);
            out.putInt(credentials.fields().size());
            for (byte[] part : parts) {
                out.putInt(part.length).put(part);
            }
            return out.array();
        } finally {
            parts.forEach(p -> Arrays.fill(p, (byte) 0));
        }
    }

    private static Credentials decode(GrantId grant, byte[] plaintext) {
        ByteBuffer in = ByteBuffer.wrap(plaintext);
        int count = readLength(grant, in);
        if (count == 0) {
            throw new CredentialIntegrityException(grant, "no fields");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String label = readText(grant, in);
            String value = readText(grant, in);
            if (fields.putIfAbsent(label, value) != null) {
                throw new CredentialIntegrityException(grant, "a label appears twice");
            }
        }
        if (in.hasRemaining()) {
            throw new CredentialIntegrityException(grant, "trailing bytes");
        }
        return new Credentials(fields);
    }

    /** Strict UTF-8: an unpaired surrogate is refused, where String.getBytes would write "?" instead. */
    private static byte[] utf8(String text, String what) {
        ByteBuffer bytes;
        try {
            bytes = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("credentials " + what + " is not valid Unicode text (unpaired surrogate)");
        }
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        Arrays.fill(bytes.array(), (byte) 0);
        return out;
    }

    private static String readText(GrantId grant, ByteBuffer in) {
        int length = readLength(grant, in);
        if (length > in.remaining()) {
            throw new CredentialIntegrityException(grant, "a field is cut short");
        }
        ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CredentialIntegrityException(grant, "a field is not UTF-8");
        }
    }

    private static int readLength(GrantId grant, ByteBuffer in) {
        if (in.remaining() < Integer.BYTES) {
            throw new CredentialIntegrityException(grant, "cut short");
        }
        int n = in.getInt();
        if (n < 0 || n > MAX_PLAINTEXT) {
            throw new CredentialIntegrityException(grant, "a length is out of range");
        }
        return n;
    }
}

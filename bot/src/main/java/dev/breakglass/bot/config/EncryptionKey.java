package dev.breakglass.bot.config;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The 256-bit key that seals credentials at rest (AES-256-GCM, see the persistence package's
 * {@code CredentialCipher}). Where it comes from, in order:
 * <ol>
 *   <li>{@code BREAKGLASS_ENCRYPTION_KEY}: the base64 (standard or URL-safe alphabet, padding optional) of exactly
 *       32 bytes, e.g. the output of {@code openssl rand -base64 32}. Anything else is an
 *       {@link InvalidConfigurationException} naming the variable, never showing its value. A blank value counts as
 *       unset, like every other setting. Use it whenever several replicas share one database: each needs the same
 *       key, or one cannot open what another sealed.</li>
 *   <li>Otherwise the key file {@value #FILE_NAME} in the data folder ({@code ./data} by default): 32 raw bytes,
 *       created on first start from {@link SecureRandom} with owner-only permissions ({@code rw-------}, the folder
 *       {@code rwx------} when it is created too) and reused afterwards, so credentials sealed before a restart can
 *       still be revealed. A file of another size, or one that group or others may access, stops the start with a
 *       message saying how to fix it; the bot never replaces an existing key file (a new key would make every
 *       waiting credential unreadable). Its base64 ({@code base64 -w0 data/breakglass.key}) is a valid
 *       {@code BREAKGLASS_ENCRYPTION_KEY}, to move from the file to the variable.</li>
 * </ol>
 * On file systems without POSIX permissions (Windows) the file is created with the platform's defaults and its
 * permissions are not checked.
 *
 * <p>{@link #toString()} and {@link #describe()} say where the key came from and its {@link #fingerprint()}, never
 * the key. Immutable and thread-safe.
 */
public final class EncryptionKey {
    /** The environment variable holding the key (base64 of 32 bytes). */
    public static final String ENVIRONMENT_VARIABLE = "BREAKGLASS_ENCRYPTION_KEY";
    /** The key file's name in the data folder. */
    public static final String FILE_NAME = "breakglass.key";
    /** Key length in bytes (AES-256). */
    public static final int LENGTH = 32;

    private static final KeyFile KEY_FILE = new KeyFile(ENVIRONMENT_VARIABLE, FILE_NAME, "encryption key",
            "Restore it from a backup: a new key cannot open credentials sealed with the old one (delete the file "
                    + "only if no grant waits for a Reveal; a new key is then created)");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where a key came from, for the start-up log. */
    public enum Origin {
        /** {@code BREAKGLASS_ENCRYPTION_KEY}. */
        ENVIRONMENT,
        /** An existing key file. */
        KEY_FILE,
        /** A key file created by this start. */
        NEW_KEY_FILE,
        /** Made in code ({@link #of}, {@link #random}): tests and throw-away set-ups. */
        IN_MEMORY
    }

    private final byte[] bytes;
    private final Origin origin;
    private final Optional<Path> file;

    private EncryptionKey(byte[] bytes, Origin origin, Optional<Path> file) {
        this.bytes = bytes.clone();
        this.origin = origin;
        this.file = file;
    }

    /**
     * The key as configured: {@code environmentValue} when it is not blank, else the key file in {@code dataFolder}
     * (created when missing).
     *
     * @param environmentValue the value of {@code BREAKGLASS_ENCRYPTION_KEY}; null or blank means unset
     * @param dataFolder       the folder holding {@value #FILE_NAME}; created (owner-only) when missing
     * @throws InvalidConfigurationException naming the variable or the file and what to do, without key material
     */
    public static EncryptionKey resolve(String environmentValue, Path dataFolder) {
        if (environmentValue != null && !environmentValue.isBlank()) {
            return fromEnvironment(environmentValue);
        }
        return fromFolder(dataFolder);
    }

    /**
     * Reads the value of {@code BREAKGLASS_ENCRYPTION_KEY}; surrounding white space is ignored.
     *
     * @throws InvalidConfigurationException when it is not base64 or not 32 bytes (the message never quotes it)
     */
    public static EncryptionKey fromEnvironment(String value) {
        byte[] decoded = KEY_FILE.decode(value);
        try {
            return new EncryptionKey(decoded, Origin.ENVIRONMENT, Optional.empty());
        } finally {
            Arrays.fill(decoded, (byte) 0);
        }
    }

    /**
     * The key file {@value #FILE_NAME} in {@code dataFolder}: read when it exists, created when it does not. Two
     * processes creating it at once end up with the same key (the file is written aside and linked into place,
     * which fails when the other came first; its key is then read).
     *
     * @throws InvalidConfigurationException when the file has the wrong size or permissions, is not a regular file,
     *                                       or cannot be read or created
     */
    public static EncryptionKey fromFolder(Path dataFolder) {
        KeyFile.Loaded loaded = KEY_FILE.load(dataFolder, true);
        try {
            return new EncryptionKey(loaded.bytes(), loaded.created() ? Origin.NEW_KEY_FILE : Origin.KEY_FILE,
                    Optional.of(loaded.file()));
        } finally {
            Arrays.fill(loaded.bytes(), (byte) 0);
        }
    }

    /** A key from 32 bytes (copied). For tests and set-ups that manage keys themselves. */
    public static EncryptionKey of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("an encryption key has " + LENGTH + " bytes, not " + key.length);
        }
        return new EncryptionKey(key, Origin.IN_MEMORY, Optional.empty());
    }

    /** A fresh random key that lives only in memory (what it seals is unreadable after a restart). */
    public static EncryptionKey random() {
        byte[] key = new byte[LENGTH];
        RANDOM.nextBytes(key);
        try {
            return new EncryptionKey(key, Origin.IN_MEMORY, Optional.empty());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The key for {@code javax.crypto} (AES). Hand it only to the cipher. */
    public SecretKey secretKey() {
        return new SecretKeySpec(bytes, "AES");
    }

    /** Where the key came from. */
    public Origin origin() {
        return origin;
    }

    /** The key file, for keys read from or written to one. */
    public Optional<Path> file() {
        return file;
    }

    /**
     * 16 hex digits identifying the key without revealing it (the start of a SHA-256 over a fixed label and the
     * key): compare it across replicas or restarts to see whether they use the same key.
     */
    public String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("breakglass encryption key fingerprint\0".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** For the start-up log: where the key came from and its fingerprint, never the key. */
    public String describe() {
        String from = switch (origin) {
            case ENVIRONMENT -> "from " + ENVIRONMENT_VARIABLE;
            case KEY_FILE -> "from key file " + file.orElseThrow();
            case NEW_KEY_FILE -> "from key file " + file.orElseThrow() + " (created now: back it up with the database)";
            case IN_MEMORY -> "in memory only";
        };
        return "encryption key " + from + ", fingerprint " + fingerprint();
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "EncryptionKey[" + origin + ", fingerprint " + fingerprint() + "]";
    }
}

package dev.breakglass.bot.config;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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

    private static final String HOW_TO_MAKE = "the base64 of 32 random bytes, like the output of: openssl rand -base64 32";
    private static final Set<PosixFilePermission> OWNER_READ_WRITE =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
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
        Objects.requireNonNull(value, "value");
        String text = value.strip();
        byte[] decoded = decodeBase64(text);
        if (decoded == null) {
            // no cause attached: the decoder's message quotes a character of the key
            throw new InvalidConfigurationException(ENVIRONMENT_VARIABLE + " is not valid base64: it must be "
                    + HOW_TO_MAKE);
        }
        try {
            if (decoded.length != LENGTH) {
                throw new InvalidConfigurationException(ENVIRONMENT_VARIABLE + " holds " + decoded.length
                        + " bytes, not " + LENGTH + ": it must be " + HOW_TO_MAKE);
            }
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
        Objects.requireNonNull(dataFolder, "dataFolder");
        Path file = dataFolder.resolve(FILE_NAME);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return readFile(file);
        }
        return createFile(dataFolder, file);
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

    // ---- the key file -------------------------------------------------------------------------------------

    private static EncryptionKey readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigurationException(file + " is not a regular file; the encryption key file must be "
                    + "one (or set " + ENVIRONMENT_VARIABLE + ")");
        }
        if (posix(file.getFileSystem())) {
            Set<PosixFilePermission> permissions;
            try {
                permissions = Files.getPosixFilePermissions(file);
            } catch (IOException e) {
                throw new InvalidConfigurationException(file + ": cannot read its permissions: " + e, e);
            }
            if (permissions.stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
                throw new InvalidConfigurationException(file + " is readable or writable by others (permissions "
                        + PosixFilePermissions.toString(permissions) + "); the encryption key file must be owner-only: "
                        + "run chmod 600 " + file + " (and consider whether the key has leaked)");
            }
        }
        byte[] key;
        try {
            key = Files.readAllBytes(file);
        } catch (AccessDeniedException e) {
            throw new InvalidConfigurationException(file + " cannot be read: permission denied (the bot's user must "
                    + "own the encryption key file)", e);
        } catch (IOException e) {
            throw new InvalidConfigurationException(file + " cannot be read: " + e, e);
        }
        try {
            if (key.length != LENGTH) {
                throw new InvalidConfigurationException(file + " holds " + key.length + " bytes; an encryption key "
                        + "file holds exactly " + LENGTH + " raw bytes. Restore it from a backup: a new key cannot "
                        + "open credentials sealed with the old one (delete the file only if no grant waits for a "
                        + "Reveal; a new key is then created)");
            }
            return new EncryptionKey(key, Origin.KEY_FILE, Optional.of(file));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static EncryptionKey createFile(Path folder, Path file) {
        boolean posix = posix(folder.getFileSystem());
        byte[] key = new byte[LENGTH];
        Path temporary = null;
        try {
            if (!Files.isDirectory(folder)) {
                if (posix) {
                    Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
                } else {
                    Files.createDirectories(folder);
                }
            }
            RANDOM.nextBytes(key);
            // written aside first, so no process ever reads a half-written key file
            temporary = folder.resolve("." + FILE_NAME + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            FileAttribute<?>[] attributes = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)}
                    : new FileAttribute<?>[0];
            Files.createFile(temporary, attributes);
            try (OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC)) {
                out.write(key);
            }
            if (!link(file, temporary)) {
                return readFile(file); // another process created it first: use its key
            }
            return new EncryptionKey(key, Origin.NEW_KEY_FILE, Optional.of(file));
        } catch (AccessDeniedException e) {
            throw new InvalidConfigurationException("cannot create the encryption key file " + file
                    + ": permission denied; make " + folder + " writable for the bot's user, or set "
                    + ENVIRONMENT_VARIABLE, e);
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot create the encryption key file " + file + ": " + e
                    + "; or set " + ENVIRONMENT_VARIABLE, e);
        } finally {
            Arrays.fill(key, (byte) 0);
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // a stray owner-only temporary file; the next start does not read it
                }
            }
        }
    }

    /** Puts the written file in place without ever replacing one; false when {@code file} already exists. */
    private static boolean link(Path file, Path temporary) throws IOException {
        try {
            Files.createLink(file, temporary);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | IOException e) {
            // no hard links here: a move without REPLACE_EXISTING still refuses to replace
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            try {
                Files.move(temporary, file);
                return true;
            } catch (FileAlreadyExistsException raced) {
                return false;
            }
        }
    }

    private static boolean posix(FileSystem fs) {
        return fs.supportedFileAttributeViews().contains("posix");
    }

    private static byte[] decodeBase64(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException standard) {
            try {
                return Base64.getUrlDecoder().decode(text);
            } catch (IllegalArgumentException urlSafe) {
                return null;
            }
        }
    }
}

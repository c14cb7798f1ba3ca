package dev.breakglass.bot.config;

import java.io.IOException;
import java.io.OutputStream;
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
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The one mechanism behind every 256-bit key the bot keeps ({@link EncryptionKey}, {@link AuditKey}): the base64 of
 * 32 bytes in an environment variable, or a key file of 32 raw bytes in the data folder, created on first start
 * from {@link SecureRandom} with owner-only permissions ({@code rw-------}, the folder {@code rwx------} when it is
 * created too) and never replaced.
 *
 * <p>Edge cases: a blank variable counts as unset; a file of another size, one that group or others may access, or
 * one that is not a regular file is an {@link InvalidConfigurationException} naming the file and the fix; two
 * processes creating the file at once end up with the same key (written aside, then linked into place, which fails
 * for the second, who reads the first's key). On file systems without POSIX permissions (Windows) the file is
 * created with the platform's defaults and its permissions are not checked. No message ever shows key material.
 *
 * @param variable   the environment variable, e.g. {@code BREAKGLASS_ENCRYPTION_KEY}
 * @param fileName   the key file's name in the data folder, e.g. {@code breakglass.key}
 * @param name       what the key is called in messages, e.g. {@code encryption key}
 * @param lossAdvice what to do when the file is damaged, i.e. what a new key would cost
 */
record KeyFile(String variable, String fileName, String name, String lossAdvice) {
    /** Key length in bytes. */
    static final int LENGTH = 32;

    private static final String HOW_TO_MAKE = "the base64 of 32 random bytes, like the output of: openssl rand -base64 32";
    private static final Set<PosixFilePermission> OWNER_READ_WRITE =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    private static final SecureRandom RANDOM = new SecureRandom();

    KeyFile {
        Objects.requireNonNull(variable, "variable");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lossAdvice, "lossAdvice");
    }

    /** Key bytes read from the variable or a file; {@code created} when this call wrote the file. */
    record Loaded(byte[] bytes, boolean created, Path file) {
    }

    /**
     * The 32 bytes in the variable's value (base64, standard or URL-safe alphabet, padding optional; surrounding
     * white space ignored). The caller zeroes the array when done.
     *
     * @throws InvalidConfigurationException when it is not base64 or not 32 bytes (the message never quotes it)
     */
    byte[] decode(String value) {
        Objects.requireNonNull(value, "value");
        byte[] decoded = decodeBase64(value.strip());
        if (decoded == null) {
            // no cause attached: the decoder's message quotes a character of the key
            throw new InvalidConfigurationException(variable + " is not valid base64: it must be " + HOW_TO_MAKE);
        }
        if (decoded.length != LENGTH) {
            Arrays.fill(decoded, (byte) 0);
            throw new InvalidConfigurationException(variable + " holds " + decoded.length + " bytes, not " + LENGTH
                    + ": it must be " + HOW_TO_MAKE);
        }
        return decoded;
    }

    /**
     * The key file in {@code folder}: read when it exists; created when it does not and {@code create} is true.
     *
     * @throws InvalidConfigurationException when the file is wrong, cannot be read or created, or is missing and
     *                                       {@code create} is false
     */
    Loaded load(Path folder, boolean create) {
        Objects.requireNonNull(folder, "folder");
        Path file = folder.resolve(fileName);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return new Loaded(read(file), false, file);
        }
        if (!create) {
            throw new InvalidConfigurationException("no " + name + ": set " + variable + " or put the key file "
                    + fileName + " in the data folder (" + file + " does not exist)");
        }
        return create(folder, file);
    }

    private byte[] read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigurationException(file + " is not a regular file; the " + name + " file must be "
                    + "one (or set " + variable + ")");
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
                        + PosixFilePermissions.toString(permissions) + "); the " + name + " file must be owner-only: "
                        + "run chmod 600 " + file + " (and consider whether the key has leaked)");
            }
        }
        byte[] key;
        try {
            key = Files.readAllBytes(file);
        } catch (AccessDeniedException e) {
            throw new InvalidConfigurationException(file + " cannot be read: permission denied (the bot's user must "
                    + "own the " + name + " file)", e);
        } catch (IOException e) {
            throw new InvalidConfigurationException(file + " cannot be read: " + e, e);
        }
        if (key.length != LENGTH) {
            Arrays.fill(key, (byte) 0);
            throw new InvalidConfigurationException(file + " holds " + key.length + " bytes; an " + name
                    + " file holds exactly " + LENGTH + " raw bytes. " + lossAdvice);
        }
        return key;
    }

    private Loaded create(Path folder, Path file) {
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
            temporary = folder.resolve("." + fileName + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            FileAttribute<?>[] attributes = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)}
                    : new FileAttribute<?>[0];
            Files.createFile(temporary, attributes);
            try (OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC)) {
                out.write(key);
            }
            if (!link(file, temporary)) {
                return new Loaded(read(file), false, file); // another process created it first: use its key
            }
            return new Loaded(key.clone(), true, file);
        } catch (AccessDeniedException e) {
            throw new InvalidConfigurationException("cannot create the " + name + " file " + file
                    + ": permission denied; make " + folder + " writable for the bot's user, or set " + variable, e);
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot create the " + name + " file " + file + ": " + e
                    + "; or set " + variable, e);
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

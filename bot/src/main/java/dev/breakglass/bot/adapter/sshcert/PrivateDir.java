package dev.breakglass.bot.adapter.sshcert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * A directory only the bot's user can enter (mode 0700), for one operation's key pair, certificate and process
 * output; {@link #close} deletes it with everything in it.
 *
 * <p>Edge cases: the mode is set when the directory is created (not changed afterwards), so there is no moment
 * where others could enter it. Deleting is best effort and never throws: a file that cannot be deleted (a full
 * disk, a process still holding it) stays, inside a directory nobody else can read. Private keys are therefore
 * deleted as soon as they have been read, and again here.
 */
final class PrivateDir implements AutoCloseable {
    private final Path path;

    private PrivateDir(Path path) {
        this.path = path;
    }

    /**
     * Makes a fresh private directory under {@code base}.
     *
     * @throws IOException when {@code base} does not exist or is not writable, or the file system has no POSIX
     *                     permissions (the adapter runs on Linux and macOS only)
     */
    static PrivateDir create(Path base, String prefix) throws IOException {
        Objects.requireNonNull(base, "base");
        return new PrivateDir(Files.createTempDirectory(base, prefix,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
    }

    Path path() {
        return path;
    }

    Path resolve(String name) {
        return path.resolve(name);
    }

    /** Deletes one file now, if it exists; never throws. */
    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException | UncheckedIOException e) {
            // Left inside the 0700 directory; close() tries again.
        }
    }

    @Override
    public void close() {
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    deleteQuietly(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                    deleteQuietly(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // Already gone.
        } catch (IOException | UncheckedIOException e) {
            // Best effort, see the class comment.
        }
    }

    @Override
    public String toString() {
        return "PrivateDir[" + path + "]";
    }
}

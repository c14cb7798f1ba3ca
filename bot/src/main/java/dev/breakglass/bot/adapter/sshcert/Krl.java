package dev.breakglass.bot.adapter.sshcert;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Key Revocation List file ({@code settings.krl}) that hosts read through sshd's {@code RevokedKeys}.
 *
 * <p>Updates are atomic: the KRL is copied to a temporary file in the same directory, ssh-keygen adds to the copy
 * ({@code -k -u}, which keeps every entry already there, the operator's own included), the copy is flushed to
 * disk and renamed over the KRL. sshd reads the file on every connection, so it sees the old list or the new one,
 * never half of one — and a KRL that is missing or unreadable makes sshd refuse <em>every</em> key, not only
 * Breakglass's.
 *
 * <p>Updates are serialized: within the bot by a lock per KRL file (several targets may share one), across
 * processes (another replica on the same host, an operator's script that takes the same lock) by an exclusive
 * {@code flock} on {@code <krl>.lock} beside it. The lock is on a separate file because the KRL itself is replaced
 * by each update: a lock on it would be a lock on a file that no longer is the KRL.
 */
final class Krl {
    /** How long an update waits for another one to finish. */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(30);
    private static final ConcurrentMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Path lockFile;
    private final SshKeygen keygen;

    private Krl(Path file, SshKeygen keygen) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        this.keygen = keygen;
    }

    /**
     * Checks the KRL at start, creating an empty one when the file is missing or empty (an empty file is what
     * {@code touch} makes, and sshd reads it as "nothing revoked").
     *
     * @throws IllegalArgumentException naming {@code settings.krl} when its directory is missing or not writable
     *                                  by the bot, or the file is not a KRL (sshd also accepts a plain list of
     *                                  revoked keys there, which ssh-keygen cannot add to; it is left alone)
     */
    static Krl open(Path configured, SshKeygen keygen, Path workBase) {
        Path absolute = configured.toAbsolutePath().normalize();
        String shown = dev.breakglass.bot.adapter.SettingText.quote(configured.toString());
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("settings.krl: the directory of " + shown + " does not exist");
        }
        if (!Files.isWritable(parent)) {
            throw new IllegalArgumentException("settings.krl: the bot cannot write in " + parent + "; it writes "
                    + "each new KRL beside the old one and renames it over it");
        }
        Path file;
        try {
            // One lock per real file, however targets spell its path.
            file = parent.toRealPath().resolve(absolute.getFileName());
        } catch (IOException e) {
            throw new IllegalArgumentException("settings.krl: cannot resolve " + parent + ": " + e.getMessage());
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new IllegalArgumentException("settings.krl: " + shown + " is not a file");
        }
        Krl krl = new Krl(file, keygen);
        try (PrivateDir dir = PrivateDir.create(workBase, "bg-ssh-krl-")) {
            krl.initialize(shown, dir);
        } catch (ExternalProcess.Failure f) {
            throw new IllegalArgumentException("settings.krl: " + shown + ": " + f.getMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("settings.krl: cannot make a private working directory in "
                    + workBase + ": " + e.getMessage());
        }
        return krl;
    }

    /** The KRL's path, its directory resolved. */
    Path file() {
        return file;
    }

    /** Whether the KRL revokes the certificate in {@code cert}, as sshd would decide. */
    boolean revokes(Path cert, PrivateDir dir) throws ExternalProcess.Failure {
        return keygen.revokes(file, cert, dir);
    }

    /**
     * Adds {@code serial} under the CA, unless the KRL already revokes {@code probe} (a certificate by the same
     * CA with that serial).
     *
     * @return true when the KRL was rewritten, false when the serial was already in it
     */
    boolean revokeSerial(Path caPublicKey, long serial, Path probe, PrivateDir dir)
            throws ExternalProcess.Failure {
        return locked(() -> {
            if (keygen.revokes(file, probe, dir)) {
                return false;
            }
            replace(dir, tmp -> keygen.revokeSerial(tmp, caPublicKey, serial, dir));
            return true;
        });
    }

    @Override
    public String toString() {
        return "Krl[" + file + "]";
    }

    /** Creates the empty KRL or checks the existing one; the lock keeps a concurrent revoke out meanwhile. */
    private void initialize(String shown, PrivateDir dir) throws ExternalProcess.Failure {
        locked(() -> {
            boolean empty;
            try {
                empty = Files.size(file) == 0;
            } catch (NoSuchFileException e) {
                empty = true;
            } catch (IOException e) {
                throw new IllegalArgumentException("settings.krl: cannot read " + shown + ": " + e.getMessage());
            }
            try {
                if (empty) {
                    replace(dir, tmp -> {
                        PrivateDir.deleteQuietly(tmp); // -k writes a new file; the copy of an empty one is not needed.
                        keygen.createKrl(tmp, dir);
                    });
                } else {
                    keygen.checkKrl(file, dir);
                }
            } catch (ExternalProcess.Failure f) {
                if (f.notStarted()) {
                    throw new IllegalArgumentException("settings.ssh-keygen: " + f.getMessage());
                }
                throw new IllegalArgumentException(empty
                        ? "settings.krl: cannot write an empty KRL to " + shown + ": " + f.getMessage()
                        : "settings.krl: " + shown + " is not a KRL (" + f.getMessage() + "). If it is a list of "
                        + "revoked keys, convert it with ssh-keygen -k -f new.krl <list>, or name a new file");
            }
            return null;
        });
    }

    /** Copies the KRL (or nothing) to a temporary file beside it, lets {@code change} edit it, renames it back. */
    private void replace(PrivateDir dir, Change change) throws ExternalProcess.Failure {
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + HexFormat.of().formatHex(randomBytes())
                + ".tmp");
        try {
            if (Files.exists(file)) {
                // COPY_ATTRIBUTES keeps the mode and owner group the operator gave the KRL.
                Files.copy(file, tmp, StandardCopyOption.COPY_ATTRIBUTES);
            }
            change.apply(tmp);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new ExternalProcess.Failure("the file system of " + file.getParent()
                        + " cannot rename atomically");
            }
            syncDirectory();
        } catch (IOException e) {
            throw new ExternalProcess.Failure("cannot replace " + file + ": " + e.getMessage());
        } finally {
            PrivateDir.deleteQuietly(tmp);
        }
    }

    /** Makes the rename itself durable; best effort (not every file system lets a directory be opened). */
    private void syncDirectory() {
        try (FileChannel channel = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // The file's content is on disk; at worst a crash brings back the old KRL, and revoke runs again.
        }
    }

    private <T> T locked(Locked<T> action) throws ExternalProcess.Failure {
        ReentrantLock lock = LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        long deadline = System.nanoTime() + LOCK_TIMEOUT.toNanos();
        try {
            if (!lock.tryLock(LOCK_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new ExternalProcess.Failure("another update of " + file + " did not finish within "
                        + LOCK_TIMEOUT.toSeconds() + "s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExternalProcess.Failure("interrupted while waiting to update " + file);
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock fileLock = channel.tryLock();
            while (fileLock == null) {
                if (System.nanoTime() > deadline) {
                    throw new ExternalProcess.Failure(lockFile + " is locked by another process for more than "
                            + LOCK_TIMEOUT.toSeconds() + "s");
                }
                Thread.sleep(50);
                fileLock = channel.tryLock();
            }
            try {
                return action.run();
            } finally {
                fileLock.release();
            }
        } catch (IOException e) {
            throw new ExternalProcess.Failure("cannot lock " + lockFile + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExternalProcess.Failure("interrupted while waiting to update " + file);
        } finally {
            lock.unlock();
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }

    @FunctionalInterface
    private interface Locked<T> {
        T run() throws ExternalProcess.Failure;
    }

    @FunctionalInterface
    private interface Change {
        void apply(Path tmp) throws ExternalProcess.Failure;
    }
}

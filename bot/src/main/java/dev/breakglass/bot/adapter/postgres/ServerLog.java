package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.adapter.postgres.AdminSession.Failure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the server's structured log files are read: through the admin connection ({@link #server}) or from a folder
 * the bot can read ({@link #folder}).
 *
 * <p>Files are listed oldest first (by modification time, then name), so the file a position names is followed by
 * the files the server rotated to after it.
 */
sealed interface ServerLog {
    /** What a log file is called and how big it was when listed. */
    record LogFile(String name, long size, Instant modified) {
    }

    /** The log cannot be read here; the message says why and what would fix it. */
    final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** The format of the files. */
    LogRecord.Format format();

    /** The log files of {@link #format()}, oldest first. */
    List<LogFile> files() throws Failure, Unavailable;

    /** Up to {@code length} bytes of file {@code name} from {@code offset}; fewer at its end, none when it is gone. */
    byte[] read(String name, long offset, int length) throws Failure, Unavailable;

    /**
     * The server's log through the admin connection: needs {@code logging_collector = on} and {@code jsonlog} (else
     * {@code csvlog}) in {@code log_destination}; the admin must be a superuser or have {@code pg_monitor} (to list
     * the log folder and read {@code log_directory}) and {@code pg_read_server_files} (to read the files).
     *
     * @throws Unavailable when the server has no structured log or the admin may not read it
     */
    static ServerLog server(AdminSession s) throws Failure, Unavailable {
        String[] settings = s.select("SELECT current_setting('logging_collector'), current_setting('log_destination')",
                "read the log settings", rs -> {
                    rs.next();
                    return new String[] {rs.getString(1), rs.getString(2)};
                });
        if (!"on".equals(settings[0])) {
            throw new Unavailable("logging_collector is off, so the server writes no log files to read");
        }
        List<String> destinations = List.of(settings[1].replace(" ", "").split(","));
        LogRecord.Format format = destinations.contains("jsonlog") ? LogRecord.Format.JSON
                : destinations.contains("csvlog") ? LogRecord.Format.CSV : null;
        if (format == null) {
            throw new Unavailable("log_destination is " + settings[1] + "; add jsonlog (or csvlog) to read statements");
        }
        String directory;
        try {
            directory = s.select("SELECT current_setting('log_directory')", "read log_directory", rs -> {
                rs.next();
                return rs.getString(1);
            });
        } catch (Failure f) {
            if ("42501".equals(f.sqlState())) {
                throw new Unavailable("the admin user may not read log_directory; GRANT pg_monitor to it");
            }
            throw f;
        }
        return new Server(s, format, directory);
    }

    /**
     * Files in {@code dir}: {@code .json} ones when there are any, else {@code .csv}.
     *
     * @throws Unavailable when the folder cannot be read or holds neither
     */
    static ServerLog folder(Path dir) throws Unavailable {
        for (LogRecord.Format format : LogRecord.Format.values()) {
            Folder folder = new Folder(dir, format);
            if (!folder.files().isEmpty()) {
                return folder;
            }
        }
        throw new Unavailable("no .json or .csv log files in " + dir + " (settings.activity-log-dir)");
    }

    /** Through {@code pg_ls_logdir} and {@code pg_read_binary_file}. */
    record Server(AdminSession s, LogRecord.Format format, String directory) implements ServerLog {
        @Override
        public List<LogFile> files() throws Failure, Unavailable {
            try {
                return s.select("SELECT name, size, modification FROM pg_ls_logdir() WHERE name LIKE ? "
                        + "ORDER BY modification, name", "list the log folder", rs -> {
                            List<LogFile> files = new ArrayList<>();
                            while (rs.next()) {
                                files.add(new LogFile(rs.getString(1), rs.getLong(2),
                                        rs.getTimestamp(3).toInstant()));
                            }
                            return files;
                        }, "%" + format.suffix);
            } catch (Failure f) {
                throw denied(f, "list the log folder (pg_ls_logdir); GRANT pg_monitor to the admin user");
            }
        }

        @Override
        public byte[] read(String name, long offset, int length) throws Failure, Unavailable {
            // log_directory is absolute, or relative to the data directory, which is where relative paths start.
            String path = directory.endsWith("/") ? directory + name : directory + "/" + name;
            try {
                byte[] bytes = s.select("SELECT pg_read_binary_file(?, ?, ?, true)", "read the log file " + name,
                        rs -> rs.next() ? rs.getBytes(1) : null, path, offset, (long) length);
                return bytes == null ? new byte[0] : bytes;
            } catch (Failure f) {
                throw denied(f, "read the log files (pg_read_binary_file); GRANT pg_read_server_files to the "
                        + "admin user");
            }
        }

        private static Failure denied(Failure f, String fix) throws Unavailable {
            if ("42501".equals(f.sqlState())) {
                throw new Unavailable("the admin user may not " + fix);
            }
            return f;
        }
    }

    /** Files in a folder the bot reads itself. */
    record Folder(Path dir, LogRecord.Format format) implements ServerLog {
        @Override
        public List<LogFile> files() throws Unavailable {
            try (Stream<Path> all = Files.list(dir)) {
                List<LogFile> files = new ArrayList<>();
                for (Path p : (Iterable<Path>) all::iterator) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(format.suffix) && Files.isRegularFile(p)) {
                        try {
                            files.add(new LogFile(name, Files.size(p), Files.getLastModifiedTime(p).toInstant()));
                        } catch (NoSuchFileException gone) {
                            // removed while listing: no longer there to read
                        }
                    }
                }
                files.sort(Comparator.comparing(LogFile::modified).thenComparing(LogFile::name));
                return files;
            } catch (IOException e) {
                throw new Unavailable("cannot list " + dir + " (settings.activity-log-dir): " + e.getMessage());
            }
        }

        @Override
        public byte[] read(String name, long offset, int length) throws Unavailable {
            try (InputStream in = Files.newInputStream(dir.resolve(name))) {
                in.skipNBytes(offset);
                return in.readNBytes(length);
            } catch (NoSuchFileException | java.io.EOFException gone) {
                return new byte[0];
            } catch (IOException e) {
                throw new Unavailable("cannot read " + dir.resolve(name) + ": " + e.getMessage());
            }
        }
    }

    /** The position of a file in {@code files} by name, if it is still there. */
    static Optional<Integer> indexOf(List<LogFile> files, String name) {
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).name().equals(name)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}

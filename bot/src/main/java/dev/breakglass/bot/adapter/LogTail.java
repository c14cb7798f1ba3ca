package dev.breakglass.bot.adapter;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a line-oriented log file the bot can open (a target's audit or sshd log) from a stored position, following
 * rotation by renaming ({@code file} → {@code file.1} → {@code file.2} …, as logrotate and MariaDB's audit plugin
 * do): the position is the inode of the file read and the byte after the last complete line, so a restarted bot
 * resumes there and a file renamed since is finished before the newer ones are read.
 *
 * <p>Edge cases: a position whose inode is in none of the files (rotated away, or compressed: {@code .gz} files are
 * not read) starts again at the oldest file there; a file shorter than the offset (truncated in place) is read
 * from its start; a line cut at the end of the newest file is left for the next read; a line cut at the end of a
 * renamed file is dropped (that file is complete). Lines are UTF-8.
 */
public final class LogTail {
    private LogTail() {
    }

    /**
     * What a read found.
     *
     * @param lines  the complete lines after the position, oldest first, without their line ends
     * @param inode  the inode of the file the next read starts in
     * @param offset the byte in it where the next read starts
     */
    public record Read(List<String> lines, long inode, long offset) {
        public Read {
            lines = List.copyOf(lines);
        }

        /** {@code <inode>:<offset>}, the position text. */
        public String position() {
            return inode + ":" + offset;
        }
    }

    /**
     * The lines after {@code inode}/{@code offset} (0/0 for a first read: from the oldest file), at most
     * {@code maxBytes} of them.
     *
     * @param notBefore on a first read, files last written before this are skipped (they cannot hold anything of a
     *                  grant that started then); {@link java.time.Instant#MIN} reads them all
     *
     * @throws NoSuchFileException when neither {@code current} nor a renamed copy exists
     * @throws IOException         when a file cannot be read
     */
    public static Read after(Path current, long inode, long offset, int maxBytes, java.time.Instant notBefore)
            throws IOException {
        List<Path> files = new ArrayList<>();
        for (int n = 99; n >= 1; n--) {
            Path renamed = current.resolveSibling(current.getFileName() + "." + n);
            if (Files.isRegularFile(renamed)) {
                files.add(renamed);
            }
        }
        if (Files.isRegularFile(current)) {
            files.add(current);
        }
        if (files.isEmpty()) {
            throw new NoSuchFileException(current.toString());
        }
        List<Long> inodes = new ArrayList<>();
        for (Path f : files) {
            inodes.add(((Number) Files.getAttribute(f, "unix:ino")).longValue());
        }
        int index = Math.max(0, inodes.indexOf(inode));
        if (!inodes.contains(inode)) {
            while (index + 1 < files.size()
                    && Files.getLastModifiedTime(files.get(index)).toInstant().isBefore(notBefore)) {
                index++;
            }
        }
        long at = inodes.contains(inode) && Files.size(files.get(index)) >= offset ? offset : 0;
        List<String> lines = new ArrayList<>();
        int budget = maxBytes;
        while (budget > 0) {
            byte[] chunk = read(files.get(index), at, budget);
            int end = chunk.length - 1;
            while (end >= 0 && chunk[end] != '\n') {
                end--;
            }
            // A newline byte is never inside a UTF-8 sequence: decoding up to it splits no character.
            String text = new String(chunk, 0, end + 1, StandardCharsets.UTF_8);
            if (!text.isEmpty()) {
                for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
                    lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
                }
            }
            boolean atEnd = chunk.length < budget;
            at += end + 1;
            budget -= end + 1;
            if (atEnd && index + 1 < files.size()) {
                index++; // a renamed file is complete: go on with the next newer one
                at = 0;
                continue;
            }
            if (atEnd || end < 0) {
                break; // the newest file's end, or one line longer than what is left of the budget
            }
        }
        return new Read(lines, inodes.get(index), at);
    }

    private static byte[] read(Path file, long offset, int length) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            return in.readNBytes(length);
        } catch (NoSuchFileException | EOFException gone) {
            return new byte[0];
        }
    }
}

package dev.breakglass.bot.adapter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading a log on the real file system as logrotate and MariaDB's audit plugin rotate it: by renaming. */
class LogTailTest {
    @TempDir
    Path dir;

    @Test
    void readsOnFromItsPositionAndFinishesARenamedFileFirst() throws Exception {
        Path log = dir.resolve("auth.log");
        Files.writeString(log, "one\ntwo\nthr");

        LogTail.Read first = LogTail.after(log, 0, 0, 1024, Instant.MIN);
        assertEquals(List.of("one", "two"), first.lines(), "a cut line waits for its end");

        Files.writeString(log, "ee\nfour\n", StandardOpenOption.APPEND);
        Files.move(log, dir.resolve("auth.log.1"));
        Files.writeString(log, "five\r\n");
        LogTail.Read second = LogTail.after(log, first.inode(), first.offset(), 1024, Instant.MIN);

        assertEquals(List.of("three", "four", "five"), second.lines());
        assertEquals(List.of(), LogTail.after(log, second.inode(), second.offset(), 1024, Instant.MIN).lines());
    }

    @Test
    void aLostPositionStartsAtTheOldestFileAndAFirstReadSkipsOldFiles() throws Exception {
        Path log = dir.resolve("server_audit.log");
        Files.writeString(dir.resolve("server_audit.log.2"), "old\n");
        Files.setLastModifiedTime(dir.resolve("server_audit.log.2"), FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        Files.writeString(dir.resolve("server_audit.log.1"), "recent\n");
        Files.writeString(log, "now\n");

        assertEquals(List.of("old", "recent", "now"), LogTail.after(log, 12345, 4, 1024, Instant.MIN).lines());
        assertEquals(List.of("recent", "now"), LogTail.after(log, 0, 0, 1024,
                Instant.parse("2026-06-01T00:00:00Z")).lines());
    }

    @Test
    void aTruncatedFileIsReadFromItsStartAndAMissingOneSaysSo() throws Exception {
        Path log = dir.resolve("sshd.log");
        Files.writeString(log, "a long first line\n");
        LogTail.Read read = LogTail.after(log, 0, 0, 1024, Instant.MIN);
        Files.writeString(log, "b\n"); // truncated in place, same inode

        assertEquals(List.of("b"), LogTail.after(log, read.inode(), read.offset(), 1024, Instant.MIN).lines());
        assertThrows(NoSuchFileException.class, () -> LogTail.after(dir.resolve("none.log"), 0, 0, 10, Instant.MIN));
    }

    @Test
    void aReadTakesAtMostItsBudgetAndTheNextGoesOn() throws Exception {
        Path log = dir.resolve("big.log");
        Files.writeString(log, "aaaa\nbbbb\ncccc\n");

        LogTail.Read first = LogTail.after(log, 0, 0, 12, Instant.MIN);
        assertEquals(List.of("aaaa", "bbbb"), first.lines());
        assertEquals(List.of("cccc"), LogTail.after(log, first.inode(), first.offset(), 12, Instant.MIN).lines());
    }
}

package dev.breakglass.bot.adapter;

import dev.breakglass.bot.adapter.ChildProcess.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bot's one process runner, as the command and ssh-cert adapters use it (their own tests drive it too). */
class ChildProcessTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    @Test
    void stderrLinesAreCleanedAndCut() {
        assertEquals("red text", ChildProcess.StderrHead.clean("\u001B[1;31mred\u001B[0m\ttext\r"));
        String cut = ChildProcess.StderrHead.clean("x".repeat(500));
        assertEquals(200, cut.length());
        assertTrue(cut.endsWith("…"));
    }

    @Test
    void passesStdinInTheGivenEnvironmentAndDirectoryAndKeepsBothStreams() throws IOException {
        Path script = script("echo-all", "#!/bin/sh\ncat\necho \" $GREETING $(pwd)\"\necho 'first' >&2\n"
                + "echo '' >&2\necho 'second' >&2\nexit 4\n");

        Outcome outcome = ChildProcess.run(List.of(script.toString()), Map.of("GREETING", "hi"), Optional.of(dir),
                "in".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));

        Outcome.Exited exited = assertInstanceOf(Outcome.Exited.class, outcome);
        assertEquals(4, exited.code());
        assertEquals("in hi " + dir.toRealPath() + "\n", new String(exited.stdout(), StandardCharsets.UTF_8));
        assertEquals(List.of("first", "second"), exited.stderr().lines());
        assertEquals("first\n\nsecond\n", exited.stderr().text());
        assertFalse(exited.toString().contains("in hi"), "stdout never shows in toString");
        assertFalse(exited.stderr().toString().contains("first"), "stderr is for the log, not toString");
    }

    @Test
    void stdoutPastTheLimitIsDroppedAndSaid() throws IOException {
        Path script = script("chatty", "#!/bin/sh\nhead -c " + (ChildProcess.MAX_STDOUT_BYTES + 10) + " /dev/zero\n");

        Outcome.Exited exited = assertInstanceOf(Outcome.Exited.class, ChildProcess.run(List.of(script.toString()),
                ENV, Optional.empty(), new byte[0], Duration.ofSeconds(20)));

        assertTrue(exited.stdoutTooLong());
        assertEquals(0, exited.stdout().length);
    }

    @Test
    void aProgramPastItsTimeLimitIsKilledWithItsChildren() throws IOException {
        Path script = script("hangs", "#!/bin/sh\necho 'starting' >&2\nsleep 60\n");
        long started = System.nanoTime();

        Outcome outcome = ChildProcess.run(List.of(script.toString()), ENV, Optional.empty(), new byte[0],
                Duration.ofSeconds(1));

        Outcome.TimedOut timedOut = assertInstanceOf(Outcome.TimedOut.class, outcome);
        assertEquals(List.of("starting"), timedOut.stderr().lines());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20), "did not wait for the sleep");
    }

    @Test
    void aMissingProgramIsNotStartedWithTheSystemsReasonAlone() {
        Path missing = dir.resolve("no-such-program");

        Outcome outcome = ChildProcess.run(List.of(missing.toString()), ENV, Optional.empty(), new byte[0],
                Duration.ofSeconds(5));

        assertEquals(new Outcome.NotStarted("No such file or directory"), outcome);
    }

    @Test
    void theJdksWordingsOfAFailedStartBecomeTheSystemsReason() {
        assertEquals("No such file or directory", ChildProcess.reason(new IOException(
                "Cannot run program \"x\" (in directory \"d\"): error=2, No such file or directory")));
        assertEquals("No such file or directory", ChildProcess.reason(new IOException(
                "Cannot run program \"x\" (in directory \"d\"): Exec failed, error: 2 (No such file or directory)")));
        assertEquals("Permission denied", ChildProcess.reason(new IOException(
                "Cannot run program \"x\": Exec failed, error: 13 (Permission denied) ")));
        assertEquals("something else", ChildProcess.reason(new IOException("something else")));
        assertEquals("IOException", ChildProcess.reason(new IOException()));
    }

    private Path script(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}

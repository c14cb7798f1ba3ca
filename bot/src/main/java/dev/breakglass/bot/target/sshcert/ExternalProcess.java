package dev.breakglass.bot.target.sshcert;

import dev.breakglass.command.DurationText;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs one program to completion: arguments as a list (never through a shell), an environment built from scratch,
 * no standard input, output captured in files of a {@link PrivateDir}, and a deadline.
 *
 * <p>Edge cases: a program that outlives the deadline is killed with everything it started, and the call fails;
 * interrupting the caller kills it too, keeping the interrupt flag. Output is read up to {@link #MAX_OUTPUT} bytes
 * per stream, the rest ignored, so a chatty program cannot exhaust memory. Output goes to files rather than pipes
 * so that a program writing a lot cannot block on a full pipe nobody reads.
 */
final class ExternalProcess {
    /** JDK 25's wording of a failed start: {@code …: Exec failed, error: 2 (No such file or directory)}. */
    private static final Pattern EXEC_FAILED = Pattern.compile("error: \\d+ \\(([^)]*)\\)\\s*$");

    /** Per stream: a key, a certificate or a message is far below this. */
    static final int MAX_OUTPUT = 64 * 1024;
    /** /dev/null as standard input: no program may wait for a person to type. */
    private static final File NO_INPUT = new File("/dev/null");
    private static final AtomicInteger RUNS = new AtomicInteger();

    private ExternalProcess() {
    }

    /** What a program that ran to its end said; {@code toString} shows neither stream. */
    record Result(int exitCode, String stdout, String stderr) {
        Result {
            Objects.requireNonNull(stdout, "stdout");
            Objects.requireNonNull(stderr, "stderr");
        }

        /** Standard error made fit for a message: see {@link ExternalProcess#summary}. */
        String problem() {
            return summary(stderr.isBlank() ? stdout : stderr);
        }

        @Override
        public String toString() {
            return "Result[exit=" + exitCode + "]";
        }
    }

    /** The program could not be started, ran past its deadline, or the caller was interrupted. */
    static final class Failure extends Exception {
        private final boolean notStarted;

        Failure(String message) {
            this(message, false);
        }

        private Failure(String message, boolean notStarted) {
            super(message, null, false, false);
            this.notStarted = notStarted;
        }

        /** True when the program could not be started at all (missing, not executable). */
        boolean notStarted() {
            return notStarted;
        }
    }

    /**
     * @param command     the program and its arguments; the program is a path or a name looked up on the bot's
     *                    {@code PATH}
     * @param environment the program's whole environment (nothing is inherited from the bot, whose environment
     *                    holds its own secrets)
     * @param dir         where standard output and error are written, and the working directory
     * @throws Failure with a message naming the program, never its arguments or environment
     */
    static Result run(List<String> command, Map<String, String> environment, Duration timeout, PrivateDir dir)
            throws Failure {
        String program = command.get(0);
        int n = RUNS.incrementAndGet();
        Path out = dir.resolve("stdout-" + n);
        Path err = dir.resolve("stderr-" + n);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.path().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new Failure("cannot run " + program + ": " + reason(e), true);
        }
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                throw new Failure(program + " did not finish within " + DurationText.format(timeout)
                        + " and was stopped");
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while waiting for " + program);
        }
        try {
            return new Result(process.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new Failure("cannot read what " + program + " wrote: " + reason(e));
        } finally {
            PrivateDir.deleteQuietly(out);
            PrivateDir.deleteQuietly(err);
        }
    }

    /**
     * A program's complaint in one line: the lines of {@code text} trimmed of white space and of the {@code @}
     * that frame OpenSSH's warnings, empty ones dropped, joined with spaces, cut to 500 characters;
     * {@code "no message"} when nothing is left.
     */
    static String summary(String text) {
        String joined = text.lines().map(line -> line.replaceAll("^[\\s@]+|[\\s@]+$", ""))
                .filter(line -> !line.isEmpty())
                .collect(Collectors.joining(" "));
        if (joined.isEmpty()) {
            return "no message";
        }
        return joined.length() > 500 ? joined.substring(0, 500) + "…" : joined;
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        }
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        // The system's reason without the JDK's wrapping, which differs between JDKs:
        // 17: Cannot run program "x" (in directory "d"): error=2, No such file or directory
        // 25: Cannot run program "x" (in directory "d"): Exec failed, error: 2 (No such file or directory)
        Matcher newer = EXEC_FAILED.matcher(m);
        if (newer.find()) {
            return newer.group(1).strip();
        }
        int comma = m.lastIndexOf(", ");
        return comma >= 0 && m.contains("error=") ? m.substring(comma + 2) : m;
    }
}

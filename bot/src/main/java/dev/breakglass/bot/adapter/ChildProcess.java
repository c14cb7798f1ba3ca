package dev.breakglass.bot.adapter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one child process to completion: no shell, exactly the given environment, the input written to its stdin,
 * stdout collected up to a limit, the head of stderr kept, and a time limit after which the process and its
 * descendants are killed. The one way the bot runs a program: the {@code command} adapter's program and the
 * {@code ssh-cert} adapter's {@code ssh-keygen} and session-kill command both go through here.
 *
 * <p>What a program wrote on stderr is for the bot's log ({@link Stderr#lines()}, {@link Stderr#text()}); callers
 * decide what of it may reach a person, since a program may echo its own credentials there. stdout is never
 * shown by {@code toString}.
 *
 * <p>Edge cases:
 * <ul>
 *   <li>A child that exits without reading stdin is fine (the broken pipe is ignored); one that never exits while
 *       the bot writes is ended by the time limit. Empty input closes stdin at once, like {@code /dev/null}: no
 *       program may wait for a person to type.</li>
 *   <li>stdout past {@link #MAX_STDOUT_BYTES} is drained and dropped, and the result says so; stderr is drained
 *       entirely so the child never blocks on a full pipe, but only its first {@link #MAX_STDERR_BYTES} are kept.
 *       </li>
 *   <li>A program that cannot be started is {@link Outcome.NotStarted} with the system's reason alone
 *       ({@code No such file or directory}), the same on JDK 17 ({@code error=2, …}) and on JDK 25
 *       ({@code Exec failed, error: 2 (…)}).</li>
 *   <li>A child that exits but leaves a background process holding stdout or stderr open is waited for until the
 *       time limit, then reported as {@link Outcome.OutputHeldOpen}: its output may be incomplete. (The JDK closes a
 *       dead process's pipes itself when no read is under way at that moment; then the output read so far is the
 *       output, and the run counts as {@link Outcome.Exited}. Either way the bot never waits past the limit.)</li>
 *   <li>Killing takes the process and every descendant alive at that moment, with SIGKILL. A descendant that put
 *       itself out of the tree first (double fork, {@code setsid} daemon) survives: the adapter cannot see it.</li>
 *   <li>Interrupting the calling thread kills the tree and returns {@link Outcome.Interrupted}, the flag kept.</li>
 * </ul>
 */
public final class ChildProcess {
    /** Answers carry a handle and a few credentials, keys a few kilobytes; anything near this is not an answer. */
    public static final int MAX_STDOUT_BYTES = 1024 * 1024;
    /** stderr kept: far more than any complaint, little enough that a chatty program cannot exhaust memory. */
    public static final int MAX_STDERR_BYTES = 64 * 1024;
    /** stderr lines in {@link Stderr#lines()}: enough for a reason, too few to flood a log line. */
    public static final int MAX_STDERR_LINES = 5;
    public static final int MAX_STDERR_LINE_CHARS = 200;
    /** JDK 25's wording of a failed start: {@code …: Exec failed, error: 2 (No such file or directory)}. */
    private static final Pattern EXEC_FAILED = Pattern.compile("error: \\d+ \\(([^)]*)\\)\\s*$");
    /** After a kill, how long to wait for the last stderr bytes. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(2);

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Daemon threads: a stream held open by an escaped grandchild must not keep the bot from stopping. */
    private static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "child-process-io-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private ChildProcess() {
    }

    /** How a run ended. None of them prints stdout in {@code toString}. */
    public sealed interface Outcome {
        /** The process exited, and its output is complete. */
        record Exited(int code, byte[] stdout, boolean stdoutTooLong, Stderr stderr) implements Outcome {
            @Override
            public String toString() {
                return "Exited[code=" + code + ", stdout=" + stdout.length + " bytes, stderr=" + stderr + "]";
            }
        }

        /** The process could not be started at all (missing, not executable): it cannot have acted. */
        record NotStarted(String reason) implements Outcome {
        }

        /** The time limit passed; the tree was killed. */
        record TimedOut(Stderr stderr) implements Outcome {
        }

        /** The process exited with {@code code}, but something it started kept its output open past the limit. */
        record OutputHeldOpen(int code, Stderr stderr) implements Outcome {
        }

        /** The calling thread was interrupted; the tree was killed. */
        record Interrupted() implements Outcome {
        }
    }

    /**
     * Runs {@code command} and waits for it.
     *
     * @param command     the executable and its arguments, run directly (no shell)
     * @param environment the child's whole environment
     * @param directory   its working directory; empty keeps the bot's
     * @param stdin       written to the child's stdin, which is then closed
     * @param timeout     from start to exit with all output read
     */
    public static Outcome run(List<String> command, Map<String, String> environment, Optional<Path> directory, byte[] stdin,
                       Duration timeout) {
        Objects.requireNonNull(stdin, "stdin");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        directory.ifPresent(d -> builder.directory(d.toFile()));
        long deadline = System.nanoTime() + timeout.toNanos();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Outcome.NotStarted(reason(e));
        }
        StderrHead stderr = new StderrHead();
        CompletableFuture.runAsync(() -> write(process.getOutputStream(), stdin), IO);
        CompletableFuture<Stdout> reading = CompletableFuture.supplyAsync(() -> read(process.getInputStream()), IO);
        CompletableFuture<Void> errors = CompletableFuture.runAsync(() -> stderr.drain(process.getErrorStream()), IO);
        try {
            if (!process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS)) {
                killTree(process);
                await(errors, AFTER_KILL.toNanos());
                return new Outcome.TimedOut(stderr.snapshot());
            }
            int code = process.exitValue();
            if (!await(CompletableFuture.allOf(reading, errors), remaining(deadline))) {
                return new Outcome.OutputHeldOpen(code, stderr.snapshot());
            }
            Stdout out = reading.join();
            return new Outcome.Exited(code, out.bytes, out.tooLong, stderr.snapshot());
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            return new Outcome.Interrupted();
        }
    }

    /**
     * The system's reason a program could not start, without the JDK's wrapping, which differs between JDKs:
     * 17 says {@code Cannot run program "x" (in directory "d"): error=2, No such file or directory}, 25 says
     * {@code Cannot run program "x" (in directory "d"): Exec failed, error: 2 (No such file or directory)}; both
     * become {@code No such file or directory}. Anything else is kept as the JDK wrote it.
     */
    static String reason(IOException e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        Matcher newer = EXEC_FAILED.matcher(m);
        if (newer.find()) {
            return newer.group(1).strip();
        }
        int comma = m.lastIndexOf(", ");
        return comma >= 0 && m.contains("error=") ? m.substring(comma + 2) : m;
    }

    /** SIGKILL to the process and every descendant, the process first so that it cannot start new ones. */
    static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        List<ProcessHandle> late = new ArrayList<>();
        for (ProcessHandle child : descendants) {
            // Those started by a descendant between the snapshot and its kill.
            child.descendants().forEach(late::add);
            child.destroyForcibly();
        }
        late.forEach(ProcessHandle::destroyForcibly);
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** Whether {@code future} completed within {@code nanos}. */
    private static boolean await(CompletableFuture<?> future, long nanos) throws InterruptedException {
        try {
            future.get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // the readers never fail: they stop quietly at a broken stream
        }
    }

    private static void write(OutputStream stdin, byte[] bytes) {
        try (stdin) {
            stdin.write(bytes);
        } catch (IOException e) {
            // Broken pipe: the child exited or closed stdin without reading it all. Its exit code tells the rest.
        }
    }

    private record Stdout(byte[] bytes, boolean tooLong) {
    }

    private static Stdout read(InputStream stdout) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        boolean tooLong = false;
        byte[] buffer = new byte[8192];
        try (stdout) {
            int n;
            while ((n = stdout.read(buffer)) != -1) {
                if (kept.size() + n > MAX_STDOUT_BYTES) {
                    tooLong = true; // keep draining so the child does not block on a full pipe
                } else {
                    kept.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // The stream closed under us (the process was killed): what was read is what there is.
        }
        return new Stdout(tooLong ? new byte[0] : kept.toByteArray(), tooLong);
    }

    /**
     * The head of what a program wrote on stderr (at most {@link #MAX_STDERR_BYTES}), decoded as UTF-8 with bad
     * bytes replaced. {@code toString} shows only its size: stderr is for the log, and the caller chooses.
     */
    public record Stderr(String text) {
        public Stderr {
            Objects.requireNonNull(text, "text");
        }

        /** The first {@link #MAX_STDERR_LINES} non-empty lines, cleaned by {@link StderrHead#clean}. */
        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            for (String line : text.split("\\R")) {
                String clean = StderrHead.clean(line);
                if (!clean.isEmpty()) {
                    lines.add(clean);
                }
                if (lines.size() == MAX_STDERR_LINES) {
                    break;
                }
            }
            return List.copyOf(lines);
        }

        @Override
        public String toString() {
            return "Stderr[" + text.length() + " chars]";
        }
    }

    /** Collects the head of stderr while the child runs; drains the rest so the child never blocks. */
    static final class StderrHead {
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();

        void drain(InputStream stderr) {
            byte[] buffer = new byte[8192];
            try (stderr) {
                int n;
                while ((n = stderr.read(buffer)) != -1) {
                    synchronized (head) {
                        int room = MAX_STDERR_BYTES - head.size();
                        if (room > 0) {
                            head.write(buffer, 0, Math.min(room, n));
                        }
                    }
                }
            } catch (IOException e) {
                // Closed by a kill: keep what arrived.
            }
        }

        Stderr snapshot() {
            byte[] bytes;
            synchronized (head) {
                bytes = head.toByteArray();
            }
            return new Stderr(decode(bytes));
        }

        private static String decode(byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                return "";
            }
        }

        /** Escape sequences and control characters out, whitespace squeezed, cut to the line limit. */
        public static String clean(String line) {
            String text = line.replaceAll("\u001B\\[[0-9;?]*[ -/]*[@-~]", "")
                    .replaceAll("[\\p{Cntrl}\\p{Zl}\\p{Zp}]", " ").replaceAll("\\s+", " ").strip();
            if (text.codePointCount(0, text.length()) > MAX_STDERR_LINE_CHARS) {
                text = text.substring(0, text.offsetByCodePoints(0, MAX_STDERR_LINE_CHARS - 1)) + "…";
            }
            return text;
        }
    }
}

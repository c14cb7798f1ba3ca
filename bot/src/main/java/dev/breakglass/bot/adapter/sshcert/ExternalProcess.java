package dev.breakglass.bot.adapter.sshcert;

import dev.breakglass.bot.adapter.ChildProcess;
import dev.breakglass.bot.adapter.ChildProcess.Outcome;
import dev.breakglass.command.DurationText;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The ssh-cert adapter's view of {@link ChildProcess}, the bot's one process runner: a program run to completion
 * with its arguments as a list (never through a shell), an environment built from scratch, no standard input, its
 * {@link PrivateDir} as working directory, and a deadline; every way it can end but "it exited" is a
 * {@link Failure} whose message names the program.
 *
 * <p>Edge cases: a program that outlives the deadline is killed with everything it started, and the call fails;
 * interrupting the caller kills it too, keeping the interrupt flag. Output is kept up to {@link #MAX_OUTPUT} bytes
 * per stream, so a chatty program cannot exhaust memory; a program that writes more than that on stdout fails
 * (nothing ssh-keygen writes comes near it). A program that exits but leaves something it started holding its
 * output open fails once the deadline passes.
 */
final class ExternalProcess {
    /** Per stream: a key, a certificate or a message is far below this. */
    static final int MAX_OUTPUT = ChildProcess.MAX_STDERR_BYTES;

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
     * @param dir         the working directory
     * @throws Failure with a message naming the program, never its arguments or environment
     */
    static Result run(List<String> command, Map<String, String> environment, Duration timeout, PrivateDir dir)
            throws Failure {
        String program = command.get(0);
        Outcome outcome = ChildProcess.run(command, environment, Optional.of(dir.path()), new byte[0], timeout);
        return switch (outcome) {
            case Outcome.Exited(int code, byte[] stdout, boolean tooLong, ChildProcess.Stderr stderr) -> {
                if (tooLong) {
                    throw new Failure(program + " wrote more than " + ChildProcess.MAX_STDOUT_BYTES / 1024
                            + " KiB on its standard output");
                }
                String out = new String(stdout, 0, Math.min(stdout.length, MAX_OUTPUT), StandardCharsets.UTF_8);
                yield new Result(code, out, stderr.text());
            }
            case Outcome.NotStarted(String reason) -> throw new Failure("cannot run " + program + ": " + reason, true);
            case Outcome.TimedOut ignored -> throw new Failure(program + " did not finish within "
                    + DurationText.format(timeout) + " and was stopped");
            case Outcome.OutputHeldOpen held -> throw new Failure(program + " exited with " + held.code()
                    + ", but something it started kept its output open past " + DurationText.format(timeout));
            case Outcome.Interrupted ignored -> throw new Failure("interrupted while waiting for " + program);
        };
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
}

package dev.breakglass.bot.adapter.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.breakglass.bot.adapter.ChildProcess;
import dev.breakglass.bot.adapter.ChildProcess.Outcome;
import dev.breakglass.bot.adapter.webhook.WebhookAction;
import dev.breakglass.bot.adapter.webhook.WebhookJson;
import dev.breakglass.command.DurationText;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The {@code command} target: every operation runs {@code executable args… <action>} with the webhook's JSON
 * request on stdin ({@code docs/adapters-command.md}). Exit 0 is success; for grant, stdout may be
 * {@code {"handle": {...}, "credentials": {...}}} and for verify it must be {@code {"revoked": true|false}}, read
 * by the webhook's rules ({@link WebhookJson}).
 *
 * <p>Edge cases:
 * <ul>
 *   <li>A non-zero exit, a timeout (the process tree is killed), or unreadable output fails the operation with a
 *       {@link TargetException} naming the exit status and a short category only: its message reaches Slack (the
 *       card, the alerts), and a script's stderr may echo a password or a token. The first lines of stderr go to
 *       the bot's log only, with every {@code settings.env} value (the known secrets) replaced by {@code ***}.
 *       stdout is never shown, logged or kept in a cause: a grant's carries credentials.</li>
 *   <li>{@link #grant}: empty stdout means no handle ({@code {}} is stored) and no credentials. When a grant fails
 *       after the process ran, the action {@code revoke} is run with handle {@code {}} before throwing, so nothing
 *       is left half-made; a process that could not be started runs no such revoke.</li>
 *   <li>{@link #revoke}: exit 0 is done; stdout is ignored. The command must succeed for a grant it does not know
 *       or already revoked.</li>
 *   <li>No retries here: the core retries failed revocations with backoff, and a grant is not retried.</li>
 *   <li>The child's environment is {@code PATH} and {@code HOME} (the bot's values) plus {@code settings.env},
 *       never the bot's whole environment, which holds its secrets.</li>
 * </ul>
 * The adapter is thread-safe; runs for different grants may overlap.
 */
public final class CommandAdapter implements TargetAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(CommandAdapter.class);
    /** Shorter {@code settings.env} values are not masked in logged stderr: they would mask ordinary words. */
    static final int MIN_SECRET_LENGTH = 4;

    private final String target;
    private final CommandSettings settings;
    private final Map<String, String> environment;
    private final List<String> secrets;

    /**
     * @param environment the child's whole environment, made by the factory
     */
    CommandAdapter(String target, CommandSettings settings, Map<String, String> environment) {
        this.target = Objects.requireNonNull(target, "target");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.environment = Map.copyOf(environment);
        // Longest first, so a secret that contains another is masked whole.
        this.secrets = settings.env().values().stream().filter(v -> v.length() >= MIN_SECRET_LENGTH)
                .sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** The settings in use (whose {@code toString} hides the {@code env} values). */
    public CommandSettings settings() {
        return settings;
    }

    /** The names of the variables the child gets. */
    public List<String> environmentNames() {
        return environment.keySet().stream().sorted().toList();
    }

    /**
     * Runs {@code grant} and reads stdout's handle and credentials.
     *
     * @throws TargetException when the run fails or stdout is not a JSON object with an object {@code handle} and an
     *                         object of plain {@code credentials}; the message says whether an undoing revoke ran
     */
    @Override
    public Provisioned grant(GrantRequest request) throws TargetException {
        Objects.requireNonNull(request, "request");
        Outcome outcome = run(WebhookAction.GRANT, request, WebhookJson.request(WebhookAction.GRANT, request, null));
        if (outcome instanceof Outcome.NotStarted) {
            throw new TargetException(failure(WebhookAction.GRANT, request, outcome));
        }
        if (!(outcome instanceof Outcome.Exited exited) || exited.code() != 0 || exited.stdoutTooLong()) {
            throw undo(request, failure(WebhookAction.GRANT, request, outcome));
        }
        try {
            WebhookJson.GrantAnswer answer = WebhookJson.grantAnswer(exited.stdout());
            return new Provisioned(request, answer.handle(), answer.credentials());
        } catch (WebhookJson.BadAnswer e) {
            // It said yes, but we cannot tell the requester how to get in: take it back.
            throw undo(request, describe(WebhookAction.GRANT, request) + " failed: " + onStdout(e));
        }
    }

    /** Runs {@code revoke} with the stored handle; exit 0 is done. */
    @Override
    public void revoke(Provisioned provisioned) throws TargetException {
        Objects.requireNonNull(provisioned, "provisioned");
        GrantRequest request = provisioned.request();
        Outcome outcome = run(WebhookAction.REVOKE, request, body(WebhookAction.REVOKE, provisioned));
        if (!(outcome instanceof Outcome.Exited exited) || exited.code() != 0) {
            throw new TargetException(failure(WebhookAction.REVOKE, request, outcome));
        }
    }

    /**
     * Runs {@code verify} with the stored handle.
     *
     * @return stdout's {@code revoked}
     * @throws TargetException when the run fails or stdout has no boolean {@code revoked}
     */
    @Override
    public boolean verifyRevoked(Provisioned provisioned) throws TargetException {
        Objects.requireNonNull(provisioned, "provisioned");
        GrantRequest request = provisioned.request();
        Outcome outcome = run(WebhookAction.VERIFY, request, body(WebhookAction.VERIFY, provisioned));
        if (!(outcome instanceof Outcome.Exited exited) || exited.code() != 0 || exited.stdoutTooLong()) {
            throw new TargetException(failure(WebhookAction.VERIFY, request, outcome));
        }
        try {
            return WebhookJson.revokedAnswer(exited.stdout());
        } catch (WebhookJson.BadAnswer e) {
            throw new TargetException(describe(WebhookAction.VERIFY, request) + " failed: " + onStdout(e));
        }
    }

    /** The program is told the end ({@code expires_at}) and may build it in, so an extension must reach it. */
    @Override
    public Extending extending() {
        return Extending.MOVES_THE_END;
    }

    /**
     * Runs {@code extend} with the stored handle and the new {@code expires_at}; exit 0 means the program moved the
     * end. stdout is ignored; the handle stays and there are no new credentials.
     *
     * @throws TargetException when the run fails (an older program exits non-zero on an unknown action): the old
     *                         end is then in force
     */
    @Override
    public Provisioned extend(Provisioned provisioned, Instant newEnd) throws TargetException {
        Provisioned moved = Objects.requireNonNull(provisioned, "provisioned").endingAt(newEnd);
        Outcome outcome = run(WebhookAction.EXTEND, moved.request(), body(WebhookAction.EXTEND, moved));
        if (!(outcome instanceof Outcome.Exited exited) || exited.code() != 0) {
            throw new TargetException(failure(WebhookAction.EXTEND, moved.request(), outcome));
        }
        return moved;
    }

    @Override
    public String toString() {
        return "CommandAdapter[target=" + target + ", executable=" + settings.executable() + ", timeout="
                + DurationText.format(settings.timeout()) + "]";
    }

    private byte[] body(WebhookAction action, Provisioned provisioned) throws TargetException {
        try {
            return WebhookJson.request(action, provisioned.request(), WebhookJson.storedHandle(provisioned.handle()));
        } catch (WebhookJson.BadAnswer e) {
            throw new TargetException(describe(action, provisioned.request()) + " failed: " + e.getMessage());
        }
    }

    /** Best-effort revoke after a failed grant; the returned exception tells what happened to both. */
    private TargetException undo(GrantRequest request, String failure) {
        if (Thread.currentThread().isInterrupted()) {
            return new TargetException(failure + "; no revoke was run to undo it (interrupted)");
        }
        byte[] body = WebhookJson.request(WebhookAction.REVOKE, request, JsonNodeFactory.instance.objectNode());
        Outcome outcome = run(WebhookAction.REVOKE, request, body);
        if (outcome instanceof Outcome.Exited exited && exited.code() == 0) {
            return new TargetException(failure + "; revoke was run in case the command had granted access");
        }
        return new TargetException(failure + "; the revoke run in case the command had granted access failed too: "
                + reason(outcome, false));
    }

    /** One run, logged without any output. */
    private Outcome run(WebhookAction action, GrantRequest request, byte[] stdin) {
        List<String> command = new ArrayList<>();
        command.add(settings.executable().toString());
        command.addAll(settings.args());
        command.add(action.wire());
        long started = System.nanoTime();
        Outcome outcome = ChildProcess.run(command, environment, settings.workingDir(), stdin, settings.timeout());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (outcome instanceof Outcome.Exited exited && exited.code() == 0) {
            LOG.info("command {} {} on {}: exit 0 ({} ms)", action, request.id(), target, millis);
        } else {
            LOG.warn("command {} {} on {}: {} ({} ms)", action, request.id(), target, scrub(reason(outcome, true)),
                    millis);
        }
        return outcome;
    }

    /** For the exception, which reaches Slack: the status and category, never stderr (it is in the log). */
    private String failure(WebhookAction action, GrantRequest request, Outcome outcome) {
        String reason = reason(outcome, false);
        return describe(action, request) + " failed: " + reason + (reason.equals(reason(outcome, true)) ? ""
                : " (its stderr is in the bot's log)");
    }

    /** {@code text} with every known secret (a {@code settings.env} value) replaced by {@code ***}. */
    String scrub(String text) {
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "***");
        }
        return out;
    }

    /** What went wrong, with the first stderr lines when {@code withStderr}; never stdout. */
    private String reason(Outcome outcome, boolean withStderr) {
        String timeout = DurationText.format(settings.timeout());
        String reason;
        List<String> stderr;
        if (outcome instanceof Outcome.Exited exited) {
            reason = exited.code() != 0 ? "exit code " + exited.code()
                    : "its output on stdout is longer than " + ChildProcess.MAX_STDOUT_BYTES / 1024 + " KiB";
            stderr = exited.stderr().lines();
        } else if (outcome instanceof Outcome.TimedOut timedOut) {
            reason = "timed out after " + timeout + "; the process and its children were killed";
            stderr = timedOut.stderr().lines();
        } else if (outcome instanceof Outcome.OutputHeldOpen held) {
            reason = "exit code " + held.code() + ", but a process it started kept stdout or stderr open past "
                    + timeout + " (redirect the output of background processes)";
            stderr = held.stderr().lines();
        } else if (outcome instanceof Outcome.NotStarted notStarted) {
            reason = "could not run " + settings.executable() + ": " + notStarted.reason();
            stderr = List.of();
        } else {
            reason = "interrupted; the process and its children were killed";
            stderr = List.of();
        }
        return withStderr && !stderr.isEmpty() ? reason + "; stderr: " + String.join(" | ", stderr) : reason;
    }

    private static String onStdout(WebhookJson.BadAnswer e) {
        return e.getMessage() + " (stdout is never shown: it may hold credentials)";
    }

    private String describe(WebhookAction action, GrantRequest request) {
        return "command " + action + " " + request.id() + " on " + target;
    }
}

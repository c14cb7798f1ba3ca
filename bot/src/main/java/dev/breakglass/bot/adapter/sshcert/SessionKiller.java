package dev.breakglass.bot.adapter.sshcert;

import dev.breakglass.command.DurationText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Ends live SSH sessions of a revoked certificate through a program the operator provides
 * ({@code settings.session-kill-command}). A KRL only stops new logins; sessions opened before the revoke live on
 * until they end, unless the fleet has a way to end them (a config-management run, an agent on every host), which
 * this program calls.
 *
 * <p>The program gets the key id ({@code breakglass:BG-7:U0ALICE}) as its last argument; sshd logs it with every
 * login ({@code Accepted publickey … ID breakglass:BG-7:U0ALICE (serial 7)}), so a host can find the sessions.
 * It also gets {@code BREAKGLASS_KEY_ID}, {@code BREAKGLASS_SERIAL}, {@code BREAKGLASS_GRANT_ID} and
 * {@code BREAKGLASS_TARGET}, plus {@code PATH} and {@code HOME}, and nothing else from the bot's environment
 * (which holds the bot's own secrets). It runs on every revoke, retries included, so it must succeed when there
 * is nothing (left) to end. Exit 0 is success; any other exit, or running past the timeout (the program and
 * everything it started are then killed), fails the revoke, which the bot retries.
 */
final class SessionKiller {
    private static final Logger LOG = LoggerFactory.getLogger(SessionKiller.class);

    private final Command command;

    SessionKiller(Command command) {
        this.command = Objects.requireNonNull(command, "command");
    }

    /**
     * The configured program.
     *
     * @param argv    the program's absolute path, then fixed arguments
     * @param timeout how long one run may take
     */
    record Command(List<String> argv, Duration timeout) {
        Command {
            argv = List.copyOf(argv);
            Objects.requireNonNull(timeout, "timeout");
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("a command needs a program");
            }
        }

        Path program() {
            return Path.of(argv.get(0));
        }

        @Override
        public String toString() {
            return argv.get(0) + " (timeout " + DurationText.format(timeout) + ")";
        }
    }

    /**
     * Checks at start that the program can be run.
     *
     * @throws IllegalArgumentException naming {@code settings.session-kill-command} when it does not exist, is not
     *                                  a file, or is not executable by the bot
     */
    static SessionKiller check(Command command) {
        Path program = command.program();
        String shown = dev.breakglass.bot.adapter.SettingText.quote(program.toString());
        if (!Files.exists(program)) {
            throw new IllegalArgumentException("settings.session-kill-command: " + shown + " does not exist");
        }
        if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
            throw new IllegalArgumentException("settings.session-kill-command: " + shown
                    + " is not an executable file (check its mode, e.g. chmod 755)");
        }
        return new SessionKiller(command);
    }

    Command command() {
        return command;
    }

    /**
     * Runs the program for one certificate.
     *
     * @param workBase where its private working directory is made
     * @throws ExternalProcess.Failure with a message naming the program and its exit code; what it wrote goes to
     *                                 the log only, since the message reaches Slack and a fleet tool's output may
     *                                 echo its own credentials
     */
    void endSessions(String keyId, long serial, String grantId, String target, Path workBase)
            throws ExternalProcess.Failure {
        List<String> argv = new ArrayList<>(command.argv());
        argv.add(keyId);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin"));
        Optional.ofNullable(System.getenv("HOME")).ifPresent(h -> env.put("HOME", h));
        env.put("BREAKGLASS_KEY_ID", keyId);
        env.put("BREAKGLASS_SERIAL", Long.toString(serial));
        env.put("BREAKGLASS_GRANT_ID", grantId);
        env.put("BREAKGLASS_TARGET", target);
        try (PrivateDir dir = PrivateDir.create(workBase, "bg-ssh-kill-")) {
            ExternalProcess.Result r = ExternalProcess.run(argv, env, command.timeout(), dir);
            if (r.exitCode() != 0) {
                LOG.warn("session-kill-command for {} on {} exited with {}: {}", grantId, target, r.exitCode(),
                        r.problem());
                throw new ExternalProcess.Failure(command.argv().get(0) + " exited with " + r.exitCode()
                        + " (its output is in the bot's log)");
            }
        } catch (IOException e) {
            throw new ExternalProcess.Failure("cannot make a working directory in " + workBase + ": " + e.getMessage());
        }
    }
}

package dev.breakglass.bot.adapter.command;

import static dev.breakglass.bot.adapter.SettingText.kind;
import dev.breakglass.bot.adapter.AdapterSettings;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.command.DurationText;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One command target's settings, read from the policy's {@code settings} map by {@link #parse}.
 *
 * <ul>
 *   <li>{@code executable} (required): absolute path of a file the bot may execute, checked at start. Run directly,
 *       never through a shell. May be {@code ${NAME}}.</li>
 *   <li>{@code args} (optional): arguments put before the action, as text (numbers and booleans as written).
 *       {@code ${NAME}} is refused here: any local user can read a process's arguments, so secrets go in
 *       {@code env}.</li>
 *   <li>{@code timeout} (optional, default {@code 30s}): per run, from start to exit with its output read, from 1s
 *       to {@link #MAX_TIMEOUT}.</li>
 *   <li>{@code env} (optional): extra environment variables for the child; values may be {@code ${NAME}}, resolved
 *       at start. They may override {@code PATH} and {@code HOME}.</li>
 *   <li>{@code working-dir} (optional): absolute path of an existing directory; default the bot's own.</li>
 * </ul>
 * {@link #toString()} shows the names of {@code env} but never its values.
 */
public record CommandSettings(Path executable, List<String> args, Duration timeout, Map<String, String> env,
                              Optional<Path> workingDir) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Long enough for a slow provisioning script; short enough that a hung one does not hold a revocation. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    /** The keys {@link #parse} reads, in the order messages list them. */
    public static final List<String> KEYS = List.of("executable", "args", "timeout", "env", "working-dir");

    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public CommandSettings {
        Objects.requireNonNull(executable, "executable");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(workingDir, "workingDir");
        args = List.copyOf(args);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        if (!executable.isAbsolute()) {
            throw new IllegalArgumentException("settings.executable: \"" + executable + "\" is not an absolute path");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("settings.timeout: " + DurationText.format(timeout)
                    + " is out of range; it must be from 1s to " + DurationText.format(MAX_TIMEOUT));
        }
    }

    /**
     * Reads and checks the settings of one target, including that the executable and working directory exist.
     *
     * @param settings    the target's {@code settings} map as written in the policy; null counts as empty
     * @param environment where {@code ${NAME}} references are looked up
     * @throws IllegalArgumentException whose message starts with {@code settings.<key>} for the first problem;
     *                                  messages never contain an {@code env} value
     */
    public static CommandSettings parse(Map<String, ?> settings, EnvironmentVariables environment) {
        AdapterSettings given = new AdapterSettings("command", settings, environment);
        given.onlyKeys(KEYS);
        Path executable = executable(given.get("executable"), environment);
        List<String> args = args(given.get("args"));
        Duration timeout = given.duration("timeout", DEFAULT_TIMEOUT, MAX_TIMEOUT, "the longest one run may take");
        Map<String, String> env = env(given.get("env"), environment);
        Optional<Path> workingDir = Optional.ofNullable(given.get("working-dir")).map(CommandSettings::workingDir);
        return new CommandSettings(executable, args, timeout, env, workingDir);
    }

    @Override
    public String toString() {
        return "CommandSettings[executable=" + executable + ", args=" + args + ", timeout="
                + DurationText.format(timeout) + ", env=" + env.keySet() + " (values hidden), working-dir="
                + workingDir.map(Path::toString).orElse("(the bot's)") + "]";
    }

    private static Path executable(Object value, EnvironmentVariables environment) {
        if (value == null) {
            throw new IllegalArgumentException("settings.executable is missing: the absolute path of the program to "
                    + "run, e.g. /usr/local/bin/grant-access");
        }
        String text = environment.resolve("executable", text("executable", value));
        Path path = path("executable", text);
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("settings.executable: \"" + text + "\" does not exist");
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("settings.executable: \"" + text + "\" is not a file");
        }
        if (!Files.isExecutable(path)) {
            throw new IllegalArgumentException("settings.executable: \"" + text + "\" is not executable by the bot "
                    + "(chmod +x, and check the bot's user may run it)");
        }
        return path;
    }

    private static List<String> args(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("settings.args must be a list, like [--cluster, prod], not "
                    + kind(value));
        }
        List<String> args = new java.util.ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            String at = "settings.args[" + i + "]";
            if (!(item instanceof String || item instanceof Number || item instanceof Boolean)) {
                throw new IllegalArgumentException(at + " must be text, not " + kind(item));
            }
            String text = item.toString();
            if (text.startsWith("${") && text.endsWith("}")) {
                throw new IllegalArgumentException(at + ": ${...} is not resolved in arguments, because any user on "
                        + "the machine can read a process's arguments; pass secrets through settings.env");
            }
            args.add(text);
        }
        return args;
    }

    private static Map<String, String> env(Object value, EnvironmentVariables environment) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("settings.env must be a map of NAME: value, not " + kind(value));
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String name = String.valueOf(entry.getKey());
            String at = "settings.env." + name;
            if (!VARIABLE.matcher(name).matches()) {
                throw new IllegalArgumentException("settings.env: \"" + cut(name) + "\" is not an environment variable "
                        + "name; use letters, digits and _, not starting with a digit");
            }
            Object v = entry.getValue();
            if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                // Not echoed: it may be a secret written in the wrong shape.
                throw new IllegalArgumentException(at + " must be text, not " + kind(v));
            }
            env.put(name, environment.resolve("env." + name, v.toString()));
        }
        return env;
    }

    private static Path workingDir(Object value) {
        String text = text("working-dir", value);
        Path path = path("working-dir", text);
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("settings.working-dir: \"" + text + "\" is not a directory");
        }
        return path;
    }

    private static String text(String key, Object value) {
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("settings." + key + " must be text, not " + kind(value));
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException("settings." + key + " is empty");
        }
        return text;
    }

    private static Path path(String key, String text) {
        Path path;
        try {
            path = Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("settings." + key + ": \"" + cut(text) + "\" is not a path");
        }
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("settings." + key + ": \"" + cut(text) + "\" is not an absolute path; "
                    + "the bot's working directory is no place to look for it");
        }
        return path.normalize();
    }


    private static String cut(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}

package dev.breakglass.bot.config;

import dev.breakglass.policy.Policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads and validates policy files (the format is DESIGN.md's "Policy file", plus the optional top-level
 * {@code justification}, {@code pending-timeout}, {@code reveal-limit}, {@code warn-before} and {@code review}),
 * and chooses which one the bot runs with.
 *
 * <p>Every problem is a {@link PolicyException} naming the file, the line and the field: YAML syntax, a missing,
 * unreadable or empty file, wrong types, missing required fields, unknown keys (with the nearest known key when
 * one is close), duplicate keys, bad durations and ids, and every rule of the {@code dev.breakglass.policy}
 * records. {@code settings} are kept as plain maps, lists, text, numbers and booleans; {@code ${ENV_VAR}} stays as
 * written, for the adapter to resolve. Stateless and thread-safe.
 */
public final class PolicyLoader {
    /** The environment variable naming the policy file. */
    public static final String ENVIRONMENT_VARIABLE = "BREAKGLASS_POLICY";
    /** The file looked for in the working directory when the variable is not set. */
    public static final String DEFAULT_FILE_NAME = "breakglass.yml";
    /** The built-in demo policy, on the classpath. */
    public static final String DEMO_RESOURCE = "/breakglass-demo.yml";
    /** How messages name the built-in demo policy. */
    public static final String DEMO_NAME = "breakglass-demo.yml (built in)";

    /**
     * Chooses the policy, in DESIGN.md's order: the file named by {@code BREAKGLASS_POLICY} (relative paths are
     * resolved against {@code workingDir}); else {@code breakglass.yml} in {@code workingDir} when it exists;
     * else the built-in demo policy. Never falls back silently: a configured file that is missing, and a
     * {@code BREAKGLASS_POLICY} that is set but blank, are errors.
     *
     * @param configuredPath the value of {@code BREAKGLASS_POLICY}, empty when unset
     * @param workingDir     the directory {@code ./breakglass.yml} is looked for in
     * @throws PolicyException naming the configured file when it does not exist or is not a regular file
     */
    public static PolicySource resolve(Optional<String> configuredPath, Path workingDir) {
        Objects.requireNonNull(workingDir, "workingDir");
        if (configuredPath.isPresent()) {
            String configured = configuredPath.get();
            if (configured.isBlank()) {
                throw new PolicyException(ENVIRONMENT_VARIABLE, 0, "",
                        "is set but empty; set it to the policy file's path, or unset it to use ./"
                                + DEFAULT_FILE_NAME);
            }
            Path file = workingDir.resolve(configured);
            if (!Files.exists(file)) {
                throw new PolicyException(file.toString(), 0, "",
                        "does not exist (" + ENVIRONMENT_VARIABLE + " names it); fix the path or unset "
                                + ENVIRONMENT_VARIABLE);
            }
            if (!Files.isRegularFile(file)) {
                throw new PolicyException(file.toString(), 0, "",
                        "is not a regular file (" + ENVIRONMENT_VARIABLE + " names it)");
            }
            return new PolicySource(PolicySource.Origin.ENVIRONMENT, Optional.of(file));
        }
        Path local = workingDir.resolve(DEFAULT_FILE_NAME);
        if (Files.isRegularFile(local)) {
            return new PolicySource(PolicySource.Origin.WORKING_DIRECTORY, Optional.of(local));
        }
        if (Files.exists(local)) {
            throw new PolicyException(local.toString(), 0, "", "is not a regular file");
        }
        return PolicySource.demo();
    }

    /** {@link #resolve(Optional, Path)} with this process's {@code BREAKGLASS_POLICY} and working directory. */
    public static PolicySource resolveFromEnvironment() {
        return resolve(Optional.ofNullable(System.getenv(ENVIRONMENT_VARIABLE)), Path.of(""));
    }

    /** Reads the chosen policy. */
    public Policy load(PolicySource source) {
        return read(source).policy();
    }

    /**
     * Reads the chosen policy and keeps where its targets and their settings are written, so that a setting an
     * adapter refuses at start can be reported with the file and line ({@link LoadedPolicy#settingProblem}).
     *
     * @throws PolicyException as {@link #load(Path)}
     */
    public LoadedPolicy read(PolicySource source) {
        return source.isDemo() ? readDemo() : read(source.file().orElseThrow());
    }

    /**
     * Reads a policy file (UTF-8; a byte-order mark is skipped). Messages name the file as given here.
     *
     * @throws PolicyException when the file is missing, unreadable, not UTF-8, or not a valid policy
     */
    public Policy load(Path file) {
        return read(file).policy();
    }

    /** {@link #load(Path)}, keeping where each target and setting is written. */
    public LoadedPolicy read(Path file) {
        String name = file.toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new PolicyException(name, 0, "", "is a directory, not a policy file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PolicyException(name, 0, "", "does not exist", e);
        } catch (AccessDeniedException e) {
            throw new PolicyException(name, 0, "", "cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new PolicyException(name, 0, "", "cannot be read: " + e, e);
        }
        return read(name, decode(name, bytes));
    }

    /** Reads the built-in demo policy ({@value #DEMO_RESOURCE}), which uses the sandbox's ids. */
    public Policy loadDemo() {
        return readDemo().policy();
    }

    private LoadedPolicy readDemo() {
        try (InputStream in = PolicyLoader.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEMO_RESOURCE + " is missing from the classpath: the jar is broken");
            }
            return read(DEMO_NAME, decode(DEMO_NAME, in.readAllBytes()));
        } catch (IOException e) {
            throw new PolicyException(DEMO_NAME, 0, "", "cannot be read: " + e, e);
        }
    }

    /**
     * Reads policy text from anywhere.
     *
     * @param name how messages name the text, like a file name
     * @param text the YAML
     * @throws PolicyException naming the line and the field of the first problem
     */
    public Policy parse(String name, String text) {
        return read(name, text).policy();
    }

    /** {@link #parse}, keeping where each target and setting is written. */
    public LoadedPolicy read(String name, String text) {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        PolicyReader reader = new PolicyReader(name, body);
        Policy policy = reader.read();
        return new LoadedPolicy(name, policy, reader.positions());
    }

    private static String decode(String name, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new PolicyException(name, 0, "", "is not UTF-8 text", e);
        }
    }
}

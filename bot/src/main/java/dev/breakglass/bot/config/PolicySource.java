package dev.breakglass.bot.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Which policy the bot runs with, and why: the file named by {@code BREAKGLASS_POLICY}, else
 * {@code ./breakglass.yml}, else the built-in demo policy. Made by {@link PolicyLoader#resolve}; read with
 * {@link PolicyLoader#load(PolicySource)}; {@link #describe()} is for the start-up log line.
 *
 * @param origin where the choice came from
 * @param file   the file to read; empty exactly for the built-in demo policy
 */
public record PolicySource(Origin origin, Optional<Path> file) {

    /** Where the choice of policy came from. */
    public enum Origin {
        /** {@code BREAKGLASS_POLICY} names the file. */
        ENVIRONMENT,
        /** {@code breakglass.yml} in the working directory. */
        WORKING_DIRECTORY,
        /** Neither: the demo policy inside the jar, with the sandbox's ids. */
        BUILT_IN_DEMO
    }

    public PolicySource {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(file, "file");
        if (file.isPresent() == (origin == Origin.BUILT_IN_DEMO)) {
            throw new IllegalArgumentException(origin == Origin.BUILT_IN_DEMO
                    ? "the built-in demo policy has no file" : "a policy from " + origin + " needs its file");
        }
    }

    /** The built-in demo policy. */
    public static PolicySource demo() {
        return new PolicySource(Origin.BUILT_IN_DEMO, Optional.empty());
    }

    /** Whether this is the built-in demo policy (sandbox ids, not meant for a real workspace). */
    public boolean isDemo() {
        return origin == Origin.BUILT_IN_DEMO;
    }

    /**
     * For the start-up log: {@code policy file /etc/breakglass.yml (from BREAKGLASS_POLICY)},
     * {@code policy file breakglass.yml (from the working directory)}, or the demo policy and how to replace it.
     */
    public String describe() {
        return switch (origin) {
            case ENVIRONMENT -> "policy file " + file.orElseThrow() + " (from " + PolicyLoader.ENVIRONMENT_VARIABLE + ")";
            case WORKING_DIRECTORY -> "policy file " + file.orElseThrow() + " (from the working directory)";
            case BUILT_IN_DEMO -> "built-in demo policy " + PolicyLoader.DEMO_NAME + " with sandbox ids (set "
                    + PolicyLoader.ENVIRONMENT_VARIABLE + " or add ./" + PolicyLoader.DEFAULT_FILE_NAME
                    + " to use your own)";
        };
    }
}

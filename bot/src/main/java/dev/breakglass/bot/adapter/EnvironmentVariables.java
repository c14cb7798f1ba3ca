package dev.breakglass.bot.adapter;

import dev.breakglass.port.InvalidSettingException;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where {@code ${NAME}} references in a target's settings are looked up: the process environment in the bot, a
 * plain map in tests.
 *
 * <p>Edge cases of {@link #resolve}: only a whole value is a reference ({@code ${DB_PASSWORD}}); text around it
 * ({@code pre${X}}) is taken literally, as is anything without the {@code ${…}} shape. A value that has the shape
 * but not a valid name ({@code ${}}, {@code ${1X}}, {@code ${A B}}) is refused rather than used as a literal
 * secret. A variable that is unset or empty is refused: an empty secret is never what was meant.
 */
@FunctionalInterface
public interface EnvironmentVariables {

    /** The value of one variable; empty when unset. */
    Optional<String> get(String name);

    /** The process environment ({@link System#getenv(String)}). */
    static EnvironmentVariables system() {
        return name -> Optional.ofNullable(System.getenv(name));
    }

    /** A fixed set of variables, for tests. */
    static EnvironmentVariables of(Map<String, String> variables) {
        Map<String, String> copy = Map.copyOf(variables);
        return name -> Optional.ofNullable(copy.get(name));
    }

    /**
     * The value a setting stands for: the variable's value when {@code value} is {@code ${NAME}}, else
     * {@code value} itself.
     *
     * @param setting the setting's key, for the message ({@code settings.<setting>: …})
     * @throws InvalidSettingException naming the setting and the variable (never a value) when the reference is
     *                                  malformed, or the variable is unset or empty
     */
    default String resolve(String setting, String value) {
        if (!value.startsWith("${") || !value.endsWith("}")) {
            return value;
        }
        // Compiled per call: this runs once per setting, at start.
        Matcher m = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}").matcher(value);
        if (!m.matches()) {
            // The value is not echoed: it may be a literal secret that merely looks like a reference.
            throw InvalidSettingException.phrased(setting, ": has the ${...} form but no valid "
                    + "environment variable name; write ${NAME} with letters, digits and _, not starting with a digit");
        }
        String name = m.group(1);
        String resolved = get(name).orElseThrow(() -> InvalidSettingException.phrased(setting,
                ": environment variable " + name + " is not set"));
        if (resolved.isEmpty()) {
            throw InvalidSettingException.phrased(setting, ": environment variable " + name + " is empty");
        }
        return resolved;
    }
}

package dev.breakglass.bot.adapter;

import static dev.breakglass.bot.adapter.SettingText.kind;
import static dev.breakglass.bot.adapter.SettingText.quote;

import dev.breakglass.command.DurationText;
import dev.breakglass.port.InvalidSettingException;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One target's {@code settings} map, read the same way by every built-in adapter: the keys it knows, required and
 * optional text (with {@code ${NAME}} references resolved), durations, whole numbers and true/false, each refusal
 * an {@link InvalidSettingException} naming the setting ({@code settings.<key> …}) so that the bot can point at
 * the line of the policy file where it is written ({@code config.LoadedPolicy}). The wording is shared too: a
 * setting that is wrong in the same way says so in the same words on every adapter.
 *
 * <p>Edge cases: a null map counts as empty; a key written without a value ({@code timeout:}) counts as absent;
 * YAML numbers that are whole ({@code 3}, a {@link BigInteger} for huge ones) are whole numbers, {@code 1.5},
 * {@code "3"} and {@code true} are not; a duration written as a bare number ({@code 30}) is refused for having no
 * unit. Messages quote what was written (cut to 80 characters) except where a secret may be meant, which is never
 * echoed. What is particular to one adapter (URLs, role names, paths) stays in that adapter's settings record.
 */
public final class AdapterSettings {
    private final String type;
    private final Map<String, ?> given;
    private final EnvironmentVariables environment;

    /**
     * @param type        the adapter type, for "is not a postgres setting"
     * @param settings    the target's {@code settings} as written; null counts as empty
     * @param environment where {@code ${NAME}} references are looked up
     */
    public AdapterSettings(String type, Map<String, ?> settings, EnvironmentVariables environment) {
        this.type = Objects.requireNonNull(type, "type");
        this.given = settings == null ? Map.of() : settings;
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** The value as written, null when absent or written without a value. */
    public Object get(String key) {
        return given.get(key);
    }

    /** Whether the key is written at all (even without a value). */
    public boolean has(String key) {
        return given.containsKey(key);
    }

    /** Where {@code ${NAME}} references are looked up. */
    public EnvironmentVariables environment() {
        return environment;
    }

    /**
     * Refuses the first key that is not in {@code known}, listing the known ones joined with commas.
     *
     * @throws InvalidSettingException {@code settings.<key> is not a <type> setting; the <type> adapter reads …}
     */
    public void onlyKeys(List<String> known) {
        onlyKeys(known, String.join(", ", known));
    }

    /** {@link #onlyKeys(List)}, listing the known keys as {@code listed} says. */
    public void onlyKeys(List<String> known, String listed) {
        for (String key : given.keySet()) {
            if (!known.contains(key)) {
                throw fail(key, " is not " + article() + " " + type + " setting; the " + type + " adapter reads "
                        + listed);
            }
        }
    }

    /**
     * Text that must be there and not empty, {@code ${NAME}} resolved.
     *
     * @param what what belongs there, for the message ({@code the receiver's http(s) URL})
     * @throws InvalidSettingException {@code settings.<key> is missing: <what>}, {@code … must be text, not a
     *                                 number: <what>} (the value is not echoed: it may be a secret),
     *                                 {@code … is empty: <what>}, or the variable's problem
     */
    public String requiredText(String key, String what) {
        Object value = given.get(key);
        if (value == null) {
            throw fail(key, " is missing: " + what);
        }
        if (!(value instanceof String text)) {
            throw fail(key, " must be text, not " + kind(value) + ": " + what);
        }
        if (text.isEmpty()) {
            throw fail(key, " is empty: " + what);
        }
        return resolve(key, text);
    }

    /**
     * {@code ${NAME}} resolved in the value of {@code key} (the value itself when it is no reference).
     *
     * @throws InvalidSettingException when the reference is malformed, or the variable unset or empty
     */
    public String resolve(String key, String text) {
        return environment.resolve(key, text);
    }

    /**
     * A duration in the policy's notation ({@code 10s}, {@code 1m30s}), from 1s to {@code max}.
     *
     * @param fallback   the value when the key is absent
     * @param longestWhy null for the generic "is not a duration from 1s to …"; else what the longest stands for,
     *                   said when the value is longer ({@code the longest one run may take})
     * @throws InvalidSettingException {@code settings.<key>: 30 has no unit; write …}, {@code …: must be text, not
     *                                 true/false; write …}, {@code …: "soon" is not a duration from 1s to 2m; write …}
     */
    public Duration duration(String key, Duration fallback, Duration max, String longestWhy) {
        Object value = given.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String text)) {
            String shown = value instanceof Number ? value + " has no unit" : "must be text, not " + kind(value);
            throw fail(key, ": " + shown + "; write " + DurationText.HINT);
        }
        Duration d = DurationText.parse(text).orElse(null);
        String range = " is not a duration from 1s to " + DurationText.format(max) + "; write " + DurationText.HINT;
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw fail(key, ": " + quote(text) + range);
        }
        if (d.compareTo(max) > 0) {
            throw fail(key, ": " + quote(text) + (longestWhy == null ? range
                    : " is longer than " + DurationText.format(max) + ", " + longestWhy));
        }
        return d;
    }

    /**
     * A whole number from {@code min} to {@code max}.
     *
     * @param fallback the value when the key is absent
     * @param example  shown in the message, like {@code 3}; null for none
     * @throws InvalidSettingException {@code settings.<key>: "3" is not a whole number; write a number from …} or
     *                                 {@code settings.<key>: 11 is out of range; it must be a whole number from …}
     */
    public int wholeNumber(String key, int fallback, int min, int max, String example) {
        Object value = given.get(key);
        if (value == null) {
            return fallback;
        }
        BigInteger n = whole(value).orElseThrow(() -> fail(key, ": " + shown(value) + " is not a whole number; "
                + "write a number from " + min + " to " + max + (example == null ? "" : ", like " + example)));
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw fail(key, ": " + n + " is out of range; it must be a whole number from " + min + " to " + max);
        }
        return n.intValueExact();
    }

    /**
     * true or false, written as a YAML boolean.
     *
     * @throws InvalidSettingException {@code settings.<key>: "yes" is not true or false}
     */
    public boolean bool(String key, boolean fallback) {
        Object value = given.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean b)) {
            throw fail(key, ": " + shown(value) + " is not true or false");
        }
        return b;
    }

    /**
     * Optional text as written, not resolved; empty when absent.
     *
     * @throws InvalidSettingException {@code settings.<key> must be text, not a number} (not echoed: it may be a
     *                                 secret) or {@code settings.<key> is empty} (blank)
     */
    public Optional<String> optionalText(String key) {
        Object value = given.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw fail(key, " must be text, not " + kind(value));
        }
        if (text.isBlank()) {
            throw fail(key, " is empty");
        }
        return Optional.of(text);
    }

    /** Optional text as written, not resolved, maybe empty; empty when absent. Refuses what is not text. */
    public Optional<String> optionalText(String key, String expected) {
        Object value = given.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw fail(key, " must be " + expected + ", not " + kind(value));
        }
        return Optional.of(text);
    }

    /** "an ssh-cert setting", "an oracle setting", "a postgres setting": by how the type's name is spoken. */
    private String article() {
        return type.matches("(?i)([aeiou]|ssh).*") ? "an" : "a";
    }

    /** The refusal of a setting: {@code settings.<key>} followed by {@code afterKey} (which brings its own ": "). */
    public static InvalidSettingException fail(String key, String afterKey) {
        return InvalidSettingException.phrased(key, afterKey);
    }

    /** A YAML whole number as read (int, long, short, byte or BigInteger); empty for anything else. */
    public static Optional<BigInteger> whole(Object value) {
        if (value instanceof BigInteger b) {
            return Optional.of(b);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return Optional.of(BigInteger.valueOf(((Number) value).longValue()));
        }
        return Optional.empty();
    }

    /** Whether a URL's host is this machine ({@code localhost}, {@code 127.*}, {@code ::1}), case-insensitively. */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }

    /** How a wrong value is shown: text quoted and cut, anything else as YAML wrote it. */
    public static String shown(Object value) {
        return value instanceof String s ? quote(s) : String.valueOf(value);
    }
}

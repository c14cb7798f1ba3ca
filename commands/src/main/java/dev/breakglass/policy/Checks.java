package dev.breakglass.policy;

import dev.breakglass.command.DurationText;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Shared rules of the policy records; messages are in policy-file words. */
final class Checks {
    /** Target and role names: letters, digits, '-', '_', '.'; first a letter or digit; at most 63. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    static final String NAME_RULE =
            "may use only letters, digits, \"-\", \"_\" and \".\", must start with a letter or digit "
                    + "and be at most 63 characters";

    private Checks() {
    }

    static String text(Duration d) {
        return DurationText.format(d);
    }

    static Duration positive(Duration value, Duration fallback, String field) {
        Duration d = value == null ? fallback : value;
        if (d == null) {
            throw InvalidPolicyException.at(field, field + " is missing");
        }
        if (d.isNegative() || d.isZero()) {
            throw InvalidPolicyException.at(field, field + " must be longer than zero");
        }
        if (d.getNano() != 0) {
            throw InvalidPolicyException.at(field, field + " (" + d + ") must be whole seconds");
        }
        return d;
    }

    /**
     * An unmodifiable copy; null is the empty list; null entries and repeats are refused, naming the field
     * and the repeated entry.
     */
    static <T> List<T> distinct(List<T> values, String field) {
        if (values == null) {
            return List.of();
        }
        Set<T> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            T v = values.get(i);
            if (v == null) {
                throw new InvalidPolicyException(List.of(field, "[" + i + "]"), field + " has an empty entry");
            }
            if (!seen.add(v)) {
                throw new InvalidPolicyException(List.of(field, "[" + i + "]"),
                        field + " lists " + v + " twice");
            }
        }
        return List.copyOf(values);
    }

    /**
     * A deep, unmodifiable copy of adapter settings. Keeps order and {@code null} values; allows only text,
     * numbers, booleans, null, lists and maps with text keys, so what adapters receive is plain data.
     */
    static Map<String, Object> settings(Map<String, ?> settings) {
        if (settings == null) {
            return Map.of();
        }
        return freezeMap(settings, "settings");
    }

    private static Map<String, Object> freezeMap(Map<?, ?> map, String path) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw InvalidPolicyException.at("settings", path + " has a key that is not text: " + e.getKey());
            }
            copy.put(key, freeze(e.getValue(), path + "." + key));
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Object freeze(Object value, String path) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return freezeMap(map, path);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(freeze(list.get(i), path + "[" + i + "]"));
            }
            return Collections.unmodifiableList(copy);
        }
        throw InvalidPolicyException.at("settings", path + " holds a " + value.getClass().getSimpleName()
                + "; settings may hold only text, numbers, booleans, lists and maps");
    }
}

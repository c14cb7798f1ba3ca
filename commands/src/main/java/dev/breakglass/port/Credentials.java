package dev.breakglass.port;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Secret values for the requester (user name, password, connection string, certificate…), shown only in the
 * one-time Reveal modal and encrypted at rest until then. {@link #toString()} never prints the values, so a
 * stray log line cannot leak them.
 *
 * @param fields label → value, in display order
 */
public record Credentials(Map<String, String> fields) {
    public Credentials {
        Objects.requireNonNull(fields, "fields");
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("credentials without any field");
        }
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    @Override
    public String toString() {
        return "Credentials" + fields.keySet() + " (values hidden)";
    }
}

package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.json.JsonMappers;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;
import java.util.Optional;

/**
 * What a grant stored about itself (never secret): {@code {"role":"bg_7_u0alice","mode":"per-grant",
 * "granted":"orders_ro"}}. {@code role} is the login role (the per-grant role or the shared account),
 * {@code granted} the PostgreSQL role it was made a member of, when any (for people reading the audit trail).
 * {@code since} is the instant (ISO-8601) of the grant: the activity reader skips log files last written before it
 * (less a margin), and in shared-account mode, where it is the server's time when the grant set the password, the
 * grant's sessions are the account's sessions that started from then on ({@link PostgresActivity}).
 *
 * <p>Revoke and verify follow the handle's mode, not the current setting, so a target switched between modes still
 * removes what an earlier grant made. The bot hands back {@code {}} when a grant stored no handle: then every field
 * is empty and the adapter derives the role from the grant and the settings.
 */
record PostgresHandle(Optional<PostgresMode> mode, Optional<String> role, Optional<String> granted,
                      Optional<java.time.Instant> since) {
    private static final JsonMapper MAPPER = JsonMappers.standard();

    PostgresHandle {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(granted, "granted");
        Objects.requireNonNull(since, "since");
    }

    /** The handle of a grant just made. */
    static PostgresHandle of(PostgresMode mode, String role, Optional<String> granted,
                             Optional<java.time.Instant> since) {
        return new PostgresHandle(Optional.of(mode), Optional.of(role), granted, since);
    }

    /** Compact JSON, {@code role} first. */
    String json() {
        ObjectNode node = MAPPER.createObjectNode();
        role.ifPresent(r -> node.put("role", r));
        mode.ifPresent(m -> node.put("mode", m.text()));
        granted.ifPresent(g -> node.put("granted", g));
        since.ifPresent(t -> node.put("since", t.toString()));
        return node.toString();
    }

    /**
     * Reads a stored handle.
     *
     * @throws IllegalArgumentException with a message safe to show when the handle is not a JSON object, names an
     *                                  unknown mode, or has a role that is not text of 1 to 63 bytes
     */
    static PostgresHandle parse(String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the stored handle is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the stored handle is not a JSON object");
        }
        Optional<PostgresMode> mode = Optional.empty();
        if (node.hasNonNull("mode")) {
            String text = node.get("mode").asText();
            mode = Optional.of(PostgresMode.of(text).orElseThrow(() ->
                    new IllegalArgumentException("the stored handle names an unknown mode " + dev.breakglass.bot.adapter.SettingText.quote(text))));
        }
        Optional<java.time.Instant> since = Optional.empty();
        if (node.hasNonNull("since")) {
            try {
                since = Optional.of(java.time.Instant.parse(node.get("since").asText()));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("the stored handle's since is not an ISO-8601 instant");
            }
        }
        return new PostgresHandle(mode, text(node, "role"), text(node, "granted"), since);
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("the stored handle's " + field + " is not text");
        }
        try {
            return Optional.of(PostgresSettings.name(field, value.asText()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the stored handle's " + field + " is not a PostgreSQL role name");
        }
    }
}

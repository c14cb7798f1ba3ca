package dev.breakglass.bot.sandbox.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One Web API call the emulator answered, in arrival order.
 *
 * <p>{@code params} holds every argument from the query string and the body (form or JSON) as one object;
 * arguments Slack takes as JSON-encoded strings ({@code blocks}, {@code view}, {@code attachments},
 * {@code metadata}) are already parsed, unless they were not valid JSON (then they stay strings). The
 * {@code token} argument is removed: tokens never reach the record, whichever way they were sent.
 *
 * @param seq      1, 2, 3… since the emulator started (not reset by {@code clearCalls})
 * @param method   Web API method, e.g. {@code chat.postMessage}; whatever followed {@code /api/} for unknown ones
 * @param params   the arguments, see above
 * @param at       the emulator clock's time when the call arrived
 * @param status   HTTP status answered (200, or 429 when rate limited)
 * @param response the JSON answered
 */
public record RecordedCall(long seq, String method, JsonNode params, Instant at, int status, JsonNode response) {

    /** Whether Slack would call this a success ({@code "ok": true}). */
    public boolean ok() {
        return response.path("ok").asBoolean(false);
    }

    /** The {@code error} answered, or {@code null} on success. */
    public String error() {
        JsonNode e = response.get("error");
        return e == null || e.isNull() ? null : e.asText();
    }

    /** A text argument, or {@code null} when absent. */
    public String param(String name) {
        JsonNode v = params.get(name);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }
}

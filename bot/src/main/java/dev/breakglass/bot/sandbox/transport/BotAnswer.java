package dev.breakglass.bot.sandbox.transport;

import dev.breakglass.bot.sandbox.state.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the bot answered to one delivery.
 *
 * <p>Over HTTP: the status, headers and body of its response. Over Socket Mode: status 200 once the ack with the
 * envelope id came back, the ack's {@code payload} as the body ({@code ""} for a bare ack), a JSON content type.
 *
 * @param status  HTTP status (200 for a Socket Mode ack)
 * @param headers response headers (names as received; empty for Socket Mode apart from Content-Type)
 * @param body    raw body
 * @param elapsed real time from sending to the answer
 */
public record BotAnswer(int status, Map<String, List<String>> headers, String body, Duration elapsed) {
    /** Slack's acknowledgement deadline for commands, clicks, submissions and envelopes. */
    public static final Duration ACK_DEADLINE = Duration.ofSeconds(3);

    public BotAnswer {
        headers = Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    /** Whether Slack takes this as an acknowledgement: HTTP 200. */
    public boolean acknowledged() {
        return status == 200;
    }

    /** Whether it came after Slack's 3 s deadline (Slack would have shown the user a timeout and dropped it). */
    public boolean late() {
        return elapsed.compareTo(ACK_DEADLINE) > 0;
    }

    /** The first value of a header, names compared ignoring case; null when absent. */
    public String header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
    }

    /**
     * The answer as Slack reads it: the JSON body; a non-JSON, non-empty body as {@code {"text": body}} (what
     * Slack does with a plain-text answer to a slash command); {@link MissingNode} for an empty body.
     */
    public JsonNode json() {
        if (body.isBlank()) {
            return MissingNode.getInstance();
        }
        return Json.tryParse(body).orElseGet(() -> {
            var text = Json.object();
            text.put("text", body);
            return text;
        });
    }
}

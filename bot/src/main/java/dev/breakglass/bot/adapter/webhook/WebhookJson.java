package dev.breakglass.bot.adapter.webhook;

import dev.breakglass.bot.json.JsonMappers;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.GrantRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The webhook's JSON: the request body, and reading the receiver's answers.
 *
 * <p>Reading is strict (duplicate keys, trailing content and non-objects are malformed) and never lets the body
 * into an exception: {@link BadAnswer} messages are fixed sentences plus key names, and no parser exception is
 * kept as a cause, because parser messages quote the input — which may hold credentials.
 *
 * <p>Public because the {@code command} adapter speaks the same JSON on a child process's stdin and stdout.
 */
public final class WebhookJson {
    private static final JsonMapper MAPPER = JsonMappers.exactNumbers();

    /** The {@code handle} sent back when the receiver returned none. */
    public static final String EMPTY_HANDLE = "{}";

    private WebhookJson() {
    }

    /** A grant answer, read. */
    public record GrantAnswer(String handle, Optional<Credentials> credentials) {
    }

    /** The answer could not be read; the message is safe to show (no answer content). */
    public static final class BadAnswer extends Exception {
        BadAnswer(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The request body, UTF-8. Fields in the documented order; {@code role} and {@code user.email} are null when
     * unknown, {@code expires_at} is whole seconds (cut down, never up), and {@code handle} is null for a grant.
     */
    public static byte[] request(WebhookAction action, GrantRequest request, ObjectNode handle) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("action", action.wire());
        body.put("grant_id", request.id().toString());
        body.put("target", request.target());
        body.put("role", request.role().orElse(null));
        ObjectNode user = body.putObject("user");
        user.put("slack_id", request.slackUserId());
        user.put("email", request.email().orElse(null));
        body.put("expires_at",
                DateTimeFormatter.ISO_INSTANT.format(request.expiresAt().truncatedTo(ChronoUnit.SECONDS)));
        body.put("justification", request.justification());
        body.set("handle", handle);
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a JSON tree to bytes does not fail", e);
        }
    }

    /**
     * The stored handle as the object to send back; {@code {}} when it is blank.
     *
     * @throws BadAnswer when the stored text is not a JSON object (it was not made by this adapter)
     */
    public static ObjectNode storedHandle(String handle) throws BadAnswer {
        if (handle.isBlank()) {
            return MAPPER.createObjectNode();
        }
        JsonNode node = read(handle.getBytes(StandardCharsets.UTF_8),
                "the stored handle is not valid JSON");
        if (!(node instanceof ObjectNode object)) {
            throw new BadAnswer("the stored handle is not a JSON object");
        }
        return object;
    }

    /**
     * Reads a grant answer. An empty or blank body means no handle and no credentials; so does a missing or null
     * field, and an empty {@code credentials} object. Other fields are ignored, so receivers may add their own.
     *
     * @return the handle as compact JSON ({@code {}} when none) and the credentials in the receiver's order, every
     *         value as text
     * @throws BadAnswer when the body is not a JSON object, {@code handle} is not an object, {@code credentials}
     *                   is not an object, or a credential is not text, a number or a boolean
     */
    public static GrantAnswer grantAnswer(byte[] body) throws BadAnswer {
        if (isBlank(body)) {
            return new GrantAnswer(EMPTY_HANDLE, Optional.empty());
        }
        JsonNode answer = object(body, "grant");
        JsonNode handle = answer.path("handle");
        String handleText;
        if (handle.isMissingNode() || handle.isNull()) {
            handleText = EMPTY_HANDLE;
        } else if (handle.isObject()) {
            handleText = handle.toString();
        } else {
            throw new BadAnswer("the grant answer's \"handle\" is not a JSON object");
        }
        JsonNode credentials = answer.path("credentials");
        if (credentials.isMissingNode() || credentials.isNull()) {
            return new GrantAnswer(handleText, Optional.empty());
        }
        if (!credentials.isObject()) {
            throw new BadAnswer("the grant answer's \"credentials\" is not a JSON object");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : credentials.properties()) {
            fields.put(field.getKey(), credentialText(field.getKey(), field.getValue()));
        }
        return new GrantAnswer(handleText, fields.isEmpty() ? Optional.empty() : Optional.of(new Credentials(fields)));
    }

    /**
     * Reads a verify answer: {@code {"revoked": true|false}}, other fields ignored.
     *
     * @throws BadAnswer when the body is empty, not a JSON object, or {@code revoked} is missing or not a boolean
     *                   ({@code "true"} as text is refused: a revocation check is not the place to guess)
     */
    public static boolean revokedAnswer(byte[] body) throws BadAnswer {
        if (isBlank(body)) {
            throw new BadAnswer("the verify answer is empty; it must be {\"revoked\": true} or {\"revoked\": false}");
        }
        JsonNode revoked = object(body, "verify").path("revoked");
        if (!revoked.isBoolean()) {
            throw new BadAnswer("the verify answer has no boolean \"revoked\"; "
                    + "it must be {\"revoked\": true} or {\"revoked\": false}");
        }
        return revoked.booleanValue();
    }

    private static String credentialText(String key, JsonNode value) throws BadAnswer {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBigDecimal()) {
            return value.decimalValue().toPlainString();
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        // The key is a label chosen by the receiver ("password"), not a secret; the value is never shown.
        throw new BadAnswer("the grant answer's credential \"" + shortKey(key)
                + "\" is not text, a number or a boolean");
    }

    private static JsonNode object(byte[] body, String action) throws BadAnswer {
        JsonNode node = read(body, "the " + action + " answer is not valid JSON");
        if (!node.isObject()) {
            throw new BadAnswer("the " + action + " answer is not a JSON object");
        }
        return node;
    }

    private static JsonNode read(byte[] body, String problem) throws BadAnswer {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new BadAnswer(problem);
            }
            return node;
        } catch (JacksonException e) {
            // Deliberately no cause: Jackson's message quotes the offending input.
            throw new BadAnswer(problem);
        } catch (IOException e) {
            throw new BadAnswer(problem);
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static String shortKey(String key) {
        return key.length() > 40 ? key.substring(0, 40) + "…" : key;
    }
}

package dev.breakglass.bot.adapter.sshcert;

import dev.breakglass.bot.json.JsonMappers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the bot stores for an issued certificate, as JSON: {@code {"serial":7,"key_id":"breakglass:BG-7:U0ALICE",
 * "ca_fingerprint":"SHA256:…","valid_before":"2026-11-21T10:45:00Z","valid_after":"2026-11-21T10:14:00Z"}}. Nothing in it is secret: the certificate
 * and its private key are never stored by the adapter.
 *
 * <p>Revoke and verify need only the grant id (the serial is the grant's number); the handle adds the CA that
 * signed, so that a CA replaced since the grant is noticed instead of revoking under the wrong CA, and the end of
 * validity, after which such a certificate is dead anyway.
 *
 * <p>Edge cases of {@link #read}: {@code {}} (what the bot hands back when a grant stored no handle) and missing
 * fields are fine, each field is then unknown; text that is not a JSON object, or a field of the wrong type, is
 * unknown too (the caller decides); unknown fields are ignored.
 */
record SshCertHandle(long serial, String keyId, String caFingerprint, Instant validBefore, Instant validAfter) {
    private static final ObjectMapper JSON = JsonMappers.standard();

    SshCertHandle {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(caFingerprint, "caFingerprint");
        Objects.requireNonNull(validBefore, "validBefore");
        Objects.requireNonNull(validAfter, "validAfter");
    }

    /** Compact JSON, fields in the documented order. */
    String json() {
        ObjectNode node = JSON.createObjectNode();
        node.put("serial", serial);
        node.put("key_id", keyId);
        node.put("ca_fingerprint", caFingerprint);
        node.put("valid_before", validBefore.toString());
        node.put("valid_after", validAfter.toString());
        return node.toString();
    }

    /** A stored handle as far as it can be read; {@code valid} is false when it was not a JSON object. */
    record Stored(boolean valid, OptionalLong serial, Optional<String> keyId, Optional<String> caFingerprint,
                  Optional<Instant> validBefore, Optional<Instant> validAfter) {
    }

    static Stored read(String handle) {
        JsonNode node;
        try {
            node = JSON.readTree(handle);
        } catch (JsonProcessingException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            return new Stored(false, OptionalLong.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }
        JsonNode serial = node.get("serial");
        return new Stored(true,
                serial != null && serial.canConvertToExactIntegral() && serial.canConvertToLong()
                        ? OptionalLong.of(serial.asLong()) : OptionalLong.empty(),
                text(node, "key_id"), text(node, "ca_fingerprint"),
                text(node, "valid_before").flatMap(SshCertHandle::instant),
                text(node, "valid_after").flatMap(SshCertHandle::instant));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}

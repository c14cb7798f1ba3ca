package dev.breakglass.bot.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's request signature, version {@code v0}: {@code "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body))}.
 *
 * <p>Edge cases: the secret is used as its UTF-8 bytes, never hex-decoded (Slack's secrets look like hex but the
 * documented example contains {@code y} and {@code z}); the body is signed exactly as sent, byte for byte, so
 * sign the string you will put on the wire, after URL encoding; the timestamp is Unix seconds as a decimal string.
 */
public final class SlackSigner {
    /** Header carrying the Unix-seconds timestamp that is part of the signed string. */
    public static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";
    /** Header carrying {@code v0=<hex>}. */
    public static final String SIGNATURE_HEADER = "X-Slack-Signature";

    private final byte[] key;

    public SlackSigner(String signingSecret) {
        Objects.requireNonNull(signingSecret, "signingSecret");
        if (signingSecret.isEmpty()) {
            throw new IllegalArgumentException("empty signing secret");
        }
        this.key = signingSecret.getBytes(StandardCharsets.UTF_8);
    }

    /** The signature header value for this timestamp (Unix seconds) and raw body. */
    public String sign(long timestampSeconds, String body) {
        return sign(Long.toString(timestampSeconds), body);
    }

    /** The signature header value for this timestamp string, exactly as it goes in the header, and raw body. */
    public String sign(String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}

package dev.breakglass.bot.outbound;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Signs what the webhook adapter sends: {@code "v1=" + hex(HMAC-SHA256(secret, "v1:" + timestamp + ":" + body))}.
 *
 * <p>Edge cases: the secret is used as its UTF-8 bytes, never hex- or base64-decoded; the body is signed as the
 * exact bytes sent, so a receiver must verify the raw request body before parsing it (re-serialised JSON does not
 * match); the timestamp is Unix seconds as a plain decimal, the same text as the {@value #TIMESTAMP_HEADER}
 * header; hex is lower case. Receivers check the timestamp against their own clock (±300 s), which is what makes a
 * captured request useless later. {@link #toString()} does not show the secret.
 */
public final class WebhookSignature {
    /** Header carrying the Unix-seconds timestamp that is part of the signed text. */
    public static final String TIMESTAMP_HEADER = "X-Breakglass-Timestamp";
    /** Header carrying {@code v1=<hex>}. */
    public static final String SIGNATURE_HEADER = "X-Breakglass-Signature";
    /** Version prefix, in the signed text and in the header: a new scheme gets a new prefix. */
    public static final String VERSION = "v1";

    private final SecretKeySpec key;

    public WebhookSignature(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("empty secret");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The {@value #SIGNATURE_HEADER} value for this timestamp (Unix seconds) and these body bytes. */
    public String sign(long timestampSeconds, byte[] body) {
        try {
            // A Mac is not thread-safe and cheap to make; one per call keeps the adapter shareable.
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((VERSION + ":" + timestampSeconds + ":").getBytes(StandardCharsets.US_ASCII));
            mac.update(body);
            return VERSION + "=" + HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookSignature[" + VERSION + ", secret hidden]";
    }
}

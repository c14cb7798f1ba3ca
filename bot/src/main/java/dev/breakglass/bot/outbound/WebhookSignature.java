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

    /** How far a signed request's timestamp may be from the receiver's clock, either way. */
    public static final long WINDOW_SECONDS = 300;

    /**
     * Checks a request signed this way, as a receiver does (the bot's own {@code POST /activity}): why it is refused,
     * or empty when it is valid. A missing or malformed header, a timestamp more than {@value #WINDOW_SECONDS} s from
     * {@code nowSeconds} either way (a future one as much as a stale one), or a signature of other bytes are refused;
     * the comparison takes the same time wherever the signatures differ.
     *
     * @param body the raw request body exactly as received
     */
    public java.util.Optional<String> refusal(String timestampHeader, String signatureHeader, byte[] body,
                                              long nowSeconds) {
        if (timestampHeader == null || timestampHeader.isBlank()) {
            return java.util.Optional.of("unsigned: " + TIMESTAMP_HEADER + " is missing");
        }
        if (signatureHeader == null || signatureHeader.isBlank()) {
            return java.util.Optional.of("unsigned: " + SIGNATURE_HEADER + " is missing");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.strip());
        } catch (NumberFormatException e) {
            return java.util.Optional.of(TIMESTAMP_HEADER + " must be Unix seconds");
        }
        if (timestamp < nowSeconds - WINDOW_SECONDS) {
            return java.util.Optional.of("stale: " + TIMESTAMP_HEADER + " is more than " + WINDOW_SECONDS
                    + " s in the past; sign the request when you send it");
        }
        if (timestamp > nowSeconds + WINDOW_SECONDS) {
            return java.util.Optional.of("from the future: " + TIMESTAMP_HEADER + " is more than " + WINDOW_SECONDS
                    + " s ahead of the bot's clock");
        }
        byte[] expected = sign(timestamp, body).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signatureHeader.strip().getBytes(StandardCharsets.UTF_8);
        return java.security.MessageDigest.isEqual(expected, given) ? java.util.Optional.empty()
                : java.util.Optional.of("bad signature: " + SIGNATURE_HEADER + " is not v1=<hex HMAC-SHA256 of "
                        + "\"v1:<timestamp>:<body>\"> with the configured secret");
    }

    @Override
    public String toString() {
        return "WebhookSignature[" + VERSION + ", secret hidden]";
    }
}

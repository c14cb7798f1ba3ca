package dev.breakglass.bot.slack.inbound;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Slack's request signing, version 0: {@code v0=hex(HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + body))}
 * carried in {@code X-Slack-Signature}, with the Unix-seconds timestamp in {@code X-Slack-Request-Timestamp}.
 *
 * <p>Edge cases: the timestamp must lie within ±5 minutes of our clock — a future timestamp is refused like a
 * stale one, so a captured request cannot be replayed later nor pre-signed for later; the comparison is
 * constant-time; the secret is used as its UTF-8 bytes (Slack's secrets are not hex-decoded).
 */
public final class SlackSignature {
    /** How far a request's timestamp may be from our clock, either way. */
    public static final Duration WINDOW = Duration.ofMinutes(5);

    private final byte[] secret;
    private final Clock clock;

    public SlackSignature(String signingSecret, Clock clock) {
        Objects.requireNonNull(signingSecret, "signingSecret");
        if (signingSecret.isEmpty()) {
            throw new IllegalArgumentException("the signing secret is empty");
        }
        this.secret = signingSecret.getBytes(StandardCharsets.UTF_8);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Why a request was refused, or that it was not. */
    public sealed interface Verdict {
        record Valid() implements Verdict {}

        record Invalid(String reason) implements Verdict {}
    }

    /** The signature header value for {@code body} sent at {@code timestamp} (Unix seconds). */
    public String sign(long timestamp, String body) {
        return sign(Long.toString(timestamp), body);
    }

    /** The same, with the timestamp exactly as it is written in the header. */
    public String sign(String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] digest = mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * Checks one request. Never throws on bad input: missing or malformed headers are {@link Verdict.Invalid}.
     *
     * @param timestampHeader value of {@code X-Slack-Request-Timestamp}, may be null
     * @param signatureHeader value of {@code X-Slack-Signature}, may be null
     * @param body            the raw request body exactly as received
     */
    public Verdict verify(String timestampHeader, String signatureHeader, String body) {
        if (timestampHeader == null || timestampHeader.isBlank()) {
            return new Verdict.Invalid("missing X-Slack-Request-Timestamp");
        }
        if (signatureHeader == null || signatureHeader.isBlank()) {
            return new Verdict.Invalid("missing X-Slack-Signature");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return new Verdict.Invalid("X-Slack-Request-Timestamp is not a number");
        }
        long now = clock.instant().getEpochSecond();
        // Compared as bounds around now: now - timestamp can overflow for a timestamp near Long.MIN_VALUE.
        if (timestamp < now - WINDOW.getSeconds() || timestamp > now + WINDOW.getSeconds()) {
            BigInteger distance = BigInteger.valueOf(now).subtract(BigInteger.valueOf(timestamp)).abs();
            long skew = distance.bitLength() < Long.SIZE ? distance.longValue() : Long.MAX_VALUE;
            return new Verdict.Invalid("timestamp is " + skew + " s away from now (limit " + WINDOW.getSeconds() + " s)");
        }
        byte[] expected = sign(timestamp, body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
        byte[] given = signatureHeader.trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given) ? new Verdict.Valid() : new Verdict.Invalid("signature mismatch");
    }
}

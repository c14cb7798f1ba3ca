package dev.breakglass.bot.sandbox.transport;

import dev.breakglass.bot.slack.inbound.SlackSignature;

import java.time.Clock;

/**
 * Signs what the emulator sends, as Slack does: {@code "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body))},
 * computed by the bot's own {@link SlackSignature} so the two sides cannot drift apart.
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

    private final SlackSignature signature;

    public SlackSigner(String signingSecret) {
        // Signing never reads the clock; only verification does.
        this.signature = new SlackSignature(signingSecret, Clock.systemUTC());
    }

    /** The signature header value for this timestamp (Unix seconds) and raw body. */
    public String sign(long timestampSeconds, String body) {
        return signature.sign(timestampSeconds, body);
    }

    /** The signature header value for this timestamp string, exactly as it goes in the header, and raw body. */
    public String sign(String timestamp, String body) {
        return signature.sign(timestamp, body);
    }
}

package dev.breakglass.bot.sandbox.transport;

import dev.breakglass.bot.sandbox.state.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Slack's side of HTTP mode: POSTs to the bot's request URL, signed like Slack's.
 *
 * <ul>
 *   <li>slash commands: {@code application/x-www-form-urlencoded}, one field per payload field, in order,
 *       values encoded with {@link URLEncoder} (space as {@code +}, {@code /} as {@code %2F}, as in
 *       slack-samples/requests);</li>
 *   <li>interactions (block_actions, view_submission): {@code payload=<URL-encoded JSON>};</li>
 *   <li>events ({@code event_callback}, {@code url_verification}): {@code application/json}.</li>
 * </ul>
 * Every request carries {@code X-Slack-Request-Timestamp} (Unix seconds from the clock) and
 * {@code X-Slack-Signature}; {@link Signing} makes the bad variants for tests.
 *
 * <p>Edge case: the bot checks the timestamp against its own clock (±300 s); give this class the same clock as
 * the bot, or the system clock, unless a test means to send a stale request.
 */
public final class HttpDelivery implements DeliveryTransport {

    /** How a request is signed. */
    public enum Signing {
        /** Correct secret, current timestamp. */
        VALID,
        /** Signed with another secret. */
        FORGED,
        /** Correctly signed, timestamp 301 s in the past. */
        STALE,
        /** Correctly signed, timestamp 301 s in the future. */
        FUTURE,
        /** Neither header. */
        MISSING
    }

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final URI eventsUrl;
    private final SlackSigner signer;
    private final Clock clock;
    private final HttpClient client;

    public HttpDelivery(URI eventsUrl, String signingSecret, Clock clock) {
        this.eventsUrl = Objects.requireNonNull(eventsUrl, "eventsUrl");
        this.signer = new SlackSigner(signingSecret);
        this.clock = Objects.requireNonNull(clock, "clock");
        // HTTP/1.1: Slack does not try h2c upgrades on request URLs
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public URI eventsUrl() {
        return eventsUrl;
    }

    /** Sends a raw body with a valid signature. */
    public BotAnswer post(String contentType, String body) {
        return post(contentType, body, Signing.VALID, DEFAULT_TIMEOUT);
    }

    /**
     * Sends a raw body exactly as given.
     *
     * @param contentType e.g. {@code application/x-www-form-urlencoded}
     * @param body        the bytes to sign and send (UTF-8)
     * @param signing     how to sign it
     * @param timeout     how long to wait for the answer
     */
    public BotAnswer post(String contentType, String body, Signing signing, Duration timeout) {
        long now = clock.instant().getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(eventsUrl)
                .timeout(timeout)
                .header("Content-Type", contentType)
                .header("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (signing != Signing.MISSING) {
            long ts = switch (signing) {
                case STALE -> now - 301;
                case FUTURE -> now + 301;
                default -> now;
            };
            SlackSigner s = signing == Signing.FORGED ? new SlackSigner("forged-" + Long.toHexString(now)) : signer;
            request.header(SlackSigner.TIMESTAMP_HEADER, Long.toString(ts));
            request.header(SlackSigner.SIGNATURE_HEADER, s.sign(ts, body));
        }
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new BotAnswer(response.statusCode(), response.headers().map(), response.body(),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (HttpTimeoutException e) {
            throw new SlackDeliveryException("the bot at " + eventsUrl + " did not answer within " + timeout, e);
        } catch (ConnectException e) {
            throw new SlackDeliveryException("cannot connect to the bot at " + eventsUrl, e);
        } catch (IOException e) {
            throw new SlackDeliveryException("POST to " + eventsUrl + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlackDeliveryException("interrupted while waiting for the bot", e);
        }
    }

    /** A slash command's form body from its fields, in order. */
    public static String formBody(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(v == null ? "" : v, StandardCharsets.UTF_8));
        });
        return sb.toString();
    }

    /** An interaction's body: {@code payload=<URL-encoded JSON>}. */
    public static String payloadBody(JsonNode payload) {
        return "payload=" + URLEncoder.encode(Json.write(payload), StandardCharsets.UTF_8);
    }

    /** Sends Slack's {@code url_verification} event (validly signed); a bot answers with the challenge. */
    public BotAnswer urlVerification(String challenge) {
        ObjectNode p = Json.object();
        p.put("token", SlackDelivery.VERIFICATION_TOKEN);
        p.put("challenge", challenge);
        p.put("type", "url_verification");
        return post("application/json", Json.write(p));
    }

    @Override
    public BotAnswer deliver(Kind kind, ObjectNode payload, Duration timeout) {
        return deliver(kind, payload, Signing.VALID, timeout);
    }

    /** As {@link #deliver(Kind, ObjectNode, Duration)}, signed as given. */
    public BotAnswer deliver(Kind kind, ObjectNode payload, Signing signing, Duration timeout) {
        return switch (kind) {
            case SLASH_COMMAND -> post("application/x-www-form-urlencoded", formBody(fields(payload)), signing, timeout);
            case INTERACTIVE -> post("application/x-www-form-urlencoded", payloadBody(payload), signing, timeout);
            case EVENT -> post("application/json", Json.write(payload), signing, timeout);
        };
    }

    private static Map<String, String> fields(ObjectNode payload) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = payload.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            fields.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
        }
        return fields;
    }
}

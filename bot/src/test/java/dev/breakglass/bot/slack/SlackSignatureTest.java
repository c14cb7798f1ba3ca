package dev.breakglass.bot.slack;

import dev.breakglass.bot.slack.inbound.SlackSignature;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakglass.bot.testing.SlackSamples;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class SlackSignatureTest {
    private static final long NOW = 1_800_000_000L;
    private static final String BODY = "command=%2Fbreakglass&text=help&user_id=U0ALICE";
    private final SlackSignature signature = new SlackSignature("test-signing-secret", at(NOW));

    private static Clock at(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    @Test
    void slacksDocumentedExampleVerifies() {
        JsonNode doc = SlackSamples.json("signing/signing_secret_doc_example.json");
        long ts = doc.get("timestamp").asLong();
        SlackSignature documented = new SlackSignature(doc.get("secret").asText(), at(ts));
        assertEquals(doc.get("expected_signature").asText(), documented.sign(ts, doc.get("body").asText()));
        assertInstanceOf(SlackSignature.Verdict.Valid.class,
                documented.verify(doc.get("timestamp").asText(), doc.get("expected_signature").asText(),
                        doc.get("body").asText()));
    }

    @Test
    void aFreshSignedRequestIsValid() {
        assertInstanceOf(SlackSignature.Verdict.Valid.class,
                signature.verify(Long.toString(NOW), signature.sign(NOW, BODY), BODY));
    }

    @Test
    void theWindowIsFiveMinutesEitherWay() {
        for (long ts : new long[] {NOW - 300, NOW + 300}) {
            assertInstanceOf(SlackSignature.Verdict.Valid.class,
                    signature.verify(Long.toString(ts), signature.sign(ts, BODY), BODY), "at " + (ts - NOW));
        }
        for (long ts : new long[] {NOW - 301, NOW + 301}) {
            assertEquals(new SlackSignature.Verdict.Invalid("timestamp is 301 s away from now (limit 300 s)"),
                    signature.verify(Long.toString(ts), signature.sign(ts, BODY), BODY), "at " + (ts - NOW));
        }
    }

    /**
     * A timestamp whose distance from now does not fit in a long (found while writing SlackSignatureFuzzTest):
     * {@code Math.abs(now - ts)} wrapped to a negative number and passed the window. Needs the secret to exploit,
     * but a signed request from the far past must still be refused like any stale one.
     */
    @Test
    void aTimestampSoFarAwayThatTheDistanceOverflowsIsRefused() {
        for (long ts : new long[] {NOW + Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, NOW - Long.MAX_VALUE}) {
            assertInstanceOf(SlackSignature.Verdict.Invalid.class,
                    signature.verify(Long.toString(ts), signature.sign(ts, BODY), BODY), "at " + ts);
        }
    }

    @Test
    void aTamperedBodyOrWrongSecretIsRefused() {
        String sig = signature.sign(NOW, BODY);
        assertEquals(new SlackSignature.Verdict.Invalid("signature mismatch"),
                signature.verify(Long.toString(NOW), sig, BODY.replace("help", "list")));
        String forged = new SlackSignature("another-secret", at(NOW)).sign(NOW, BODY);
        assertEquals(new SlackSignature.Verdict.Invalid("signature mismatch"),
                signature.verify(Long.toString(NOW), forged, BODY));
    }

    @Test
    void missingOrMalformedHeadersAreRefusedWithoutThrowing() {
        String sig = signature.sign(NOW, BODY);
        assertEquals(new SlackSignature.Verdict.Invalid("missing X-Slack-Request-Timestamp"),
                signature.verify(null, sig, BODY));
        assertEquals(new SlackSignature.Verdict.Invalid("missing X-Slack-Signature"),
                signature.verify(Long.toString(NOW), " ", BODY));
        assertEquals(new SlackSignature.Verdict.Invalid("X-Slack-Request-Timestamp is not a number"),
                signature.verify("yesterday", sig, BODY));
        assertInstanceOf(SlackSignature.Verdict.Invalid.class, signature.verify(Long.toString(NOW), "v0=zz", null));
    }
}

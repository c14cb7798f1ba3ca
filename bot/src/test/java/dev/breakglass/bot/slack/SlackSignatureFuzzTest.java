package dev.breakglass.bot.slack;

import dev.breakglass.bot.slack.inbound.SlackSignature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Arbitrary headers and bodies into the Slack signature check. Under plain {@code mvn test} this runs the seeds in
 * {@code src/test/resources/dev/breakglass/bot/slack/SlackSignatureFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1}
 * fuzzes for real (docs/benchmarks.md).
 *
 * <p>What must hold for any input: {@code verify} never throws; it says valid only for the exact signature of the
 * body at a timestamp within ±300 s of the clock (computed here without overflow); and a request signed with the
 * secret at such a timestamp is valid whatever its body.
 */
class SlackSignatureFuzzTest {
    private static final long NOW = 1_764_000_000L;
    private static final SlackSignature SIGNATURE =
            new SlackSignature("fuzz-signing-secret", Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    /** Any timestamp header, signature header and body; sometimes correctly signed. */
    @FuzzTest
    void verify(FuzzedDataProvider data) {
        boolean near = data.consumeBoolean();
        boolean signed = data.consumeBoolean();
        long ts = near ? NOW + data.consumeLong(-400, 400) : data.consumeLong();
        String timestampHeader = data.consumeBoolean() ? Long.toString(ts) : data.consumeString(40);
        String signatureHeader = data.consumeString(100);
        String body = data.consumeRemainingAsString();
        if (signed) {
            signatureHeader = SIGNATURE.sign(timestampHeader, body);
        }

        SlackSignature.Verdict verdict = SIGNATURE.verify(timestampHeader, signatureHeader, body);

        Long parsed = parse(timestampHeader);
        boolean inWindow = parsed != null && BigInteger.valueOf(NOW).subtract(BigInteger.valueOf(parsed)).abs()
                .compareTo(BigInteger.valueOf(SlackSignature.WINDOW.getSeconds())) <= 0;
        if (verdict instanceof SlackSignature.Verdict.Valid) {
            assertTrue(inWindow, "valid only within the window: " + timestampHeader);
            assertEquals(SIGNATURE.sign(parsed, body), signatureHeader.trim(), "valid only with the exact signature");
        } else {
            assertFalse(((SlackSignature.Verdict.Invalid) verdict).reason().isBlank());
        }
        if (signed && inWindow && timestampHeader.equals(Long.toString(parsed))) {
            assertInstanceOf(SlackSignature.Verdict.Valid.class, verdict, "signed with the secret, in the window");
        }
    }

    private static Long parse(String header) {
        try {
            return header == null ? null : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

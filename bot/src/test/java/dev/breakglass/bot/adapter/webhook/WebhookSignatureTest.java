package dev.breakglass.bot.adapter.webhook;

import dev.breakglass.bot.outbound.WebhookSignature;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WebhookSignatureTest {

    /** The example in docs/adapters.md, computed with Python's hmac module, not with this code. */
    @Test
    void matchesTheDocumentedExample() {
        byte[] body = "{\"action\":\"revoke\",\"grant_id\":\"BG-7\"}".getBytes(StandardCharsets.UTF_8);

        assertEquals("v1=6a4f46b3540afbb587d4d70560bf9a23c2c3783988b0e093e8c021cd8dca20ba",
                new WebhookSignature("whsec_breakglass_docs_example").sign(1763721900L, body));
    }

    @Test
    void theReceiversCheckAcceptsIt() {
        byte[] body = "{\"action\":\"grant\",\"justification\":\"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        String header = new WebhookSignature("k").sign(1700000000L, body);

        assertEquals(java.util.Optional.empty(), WebhookReceiver.verify("k", "1700000000", header, body, 1700000000L));
    }

    @Test
    void anEmptySecretIsRefusedAndNoneIsPrinted() {
        assertThrows(IllegalArgumentException.class, () -> new WebhookSignature(""));
        assertFalse(new WebhookSignature("hunter2").toString().contains("hunter2"));
    }
}

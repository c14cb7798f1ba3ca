package dev.breakglass.bot.sandbox.transport;

import dev.breakglass.bot.testing.SlackSamples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.slack.api.app_backend.SlackSignature;
import org.junit.jupiter.api.Test;

class SlackSignerTest {

    /** Slack's documented example (signing/signing_secret_doc_example.json) must come out exactly. */
    @Test
    void reproducesTheDocumentedSignature() {
        JsonNode example = SlackSamples.json("signing/signing_secret_doc_example.json");
        SlackSigner signer = new SlackSigner(example.get("secret").asText());

        String signature = signer.sign(example.get("timestamp").asText(), example.get("body").asText());

        assertEquals(example.get("expected_signature").asText(), signature);
        assertEquals("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", signature);
    }

    @Test
    void theDocumentedExampleBodyIsTheSlashCommandSample() {
        JsonNode example = SlackSamples.json("signing/signing_secret_doc_example.json");
        assertEquals(SlackSamples.text("requests/slash_command_form_body_signing_doc_example.txt"),
                example.get("body").asText());
    }

    @Test
    void aTamperedBodyGivesAnotherSignature() {
        JsonNode example = SlackSamples.json("signing/signing_secret_doc_example.json");
        SlackSigner signer = new SlackSigner(example.get("secret").asText());

        String tampered = signer.sign(example.get("timestamp").asText(), example.get("body").asText() + "------");

        assertNotEquals(example.get("expected_signature").asText(), tampered);
        assertEquals(example.path("negative_cases_from_sdk_tests").get(0)
                .get("tampered_body_signature_for_reference (computed here, not from source)").asText(), tampered);
    }

    /** Bolt's own verifier accepts what the signer makes, and only for the right secret. */
    @Test
    void boltVerifiesWhatItSigns() {
        long now = 1_700_000_000L;
        String body = "token=x&team_id=T0SANDBOX&text=hello+world&command=%2Fbreakglass";
        String signature = new SlackSigner("s3cr3t").sign(now, body);

        SlackSignature.Verifier right = new SlackSignature.Verifier(new SlackSignature.Generator("s3cr3t"));
        SlackSignature.Verifier wrong = new SlackSignature.Verifier(new SlackSignature.Generator("other"));

        assertTrue(right.isValid(Long.toString(now), body, signature, now * 1000));
        assertFalse(wrong.isValid(Long.toString(now), body, signature, now * 1000));
        assertEquals(new SlackSignature.Generator("s3cr3t").generate(Long.toString(now), body), signature);
    }

    @Test
    void refusesAnEmptySecret() {
        assertThrows(IllegalArgumentException.class, () -> new SlackSigner(""));
    }
}

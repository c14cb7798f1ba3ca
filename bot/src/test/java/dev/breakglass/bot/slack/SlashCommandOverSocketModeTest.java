package dev.breakglass.bot.slack;

import dev.breakglass.bot.sandbox.transport.SocketModeServer;
import dev.breakglass.bot.testing.BotExtension;
import dev.breakglass.bot.testing.RunningBot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same {@code /breakglass} over Socket Mode: the bot opens the socket through {@code apps.connections.open}
 * and acknowledges each envelope with its {@code envelope_id}, the answer in the ack's payload.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlashCommandOverSocketModeTest {

    @RegisterExtension
    static final BotExtension BOT = BotExtension.with((bot, receiver) -> bot.socketMode());

    private RunningBot bot;

    @Test
    void aSlashCommandEnvelopeIsAcknowledgedWithItsEnvelopeIdAndTheAnswer() throws Exception {
        SocketModeServer socket = bot.slack().socketModeServer();
        var payload = bot.deliver().slashCommandPayload("/breakglass", "U0ALICE", "C0GENERAL", "help");
        SocketModeServer.Ack ack = socket.send("slash_commands", payload, true).get(10, TimeUnit.SECONDS);
        // The future completes only for an ack carrying the envelope_id we sent.
        assertTrue(ack.raw().contains("\"envelope_id\":\"" + ack.envelopeId() + "\""), ack.raw());
        assertEquals("ephemeral", ack.payload().path("response_type").asText());
        assertTrue(ack.payload().path("text").asText().contains("/breakglass request &lt;target&gt;"), ack.raw());
        assertEquals(List.of(), socket.unmatchedMessages());
    }

    @Test
    void theSameHandlersAnswerOverTheSocket() {
        var result = bot.deliver().slashCommand("U0BOB", "C0GENERAL", "status BG-x");
        String answer = result.json().path("text").asText();
        assertTrue(answer.startsWith(":warning: "), answer);
    }

    @Test
    void withoutASigningSecretTheHttpEndpointIsClosed() {
        var answer = bot.signedHttp().post("application/x-www-form-urlencoded", "command=%2Fbreakglass&text=help");
        assertEquals(404, answer.status(), answer.body());
    }
}

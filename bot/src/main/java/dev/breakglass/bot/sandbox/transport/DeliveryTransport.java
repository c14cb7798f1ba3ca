package dev.breakglass.bot.sandbox.transport;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * How Slack's requests reach the bot: signed HTTP POSTs ({@link HttpDelivery}) or Socket Mode envelopes
 * ({@link SocketModeServer}). {@link SlackDelivery} builds the payloads; a transport only carries them.
 */
public interface DeliveryTransport {

    /** What Slack sends; decides the HTTP encoding or the envelope type. */
    enum Kind {
        /** Form body over HTTP; envelope type {@code slash_commands}. */
        SLASH_COMMAND("slash_commands"),
        /** {@code payload=<JSON>} form body over HTTP; envelope type {@code interactive}. */
        INTERACTIVE("interactive"),
        /** JSON body over HTTP; envelope type {@code events_api}. */
        EVENT("events_api");

        final String envelopeType;

        Kind(String envelopeType) {
            this.envelopeType = envelopeType;
        }
    }

    /**
     * Sends one payload and waits for the bot's answer.
     *
     * @param kind    what it is
     * @param payload the payload object; for slash commands its fields are all strings
     * @param timeout how long to wait for an answer at most
     * @return the answer
     * @throws SlackDeliveryException when nothing answered in time or the bot could not be reached
     */
    BotAnswer deliver(Kind kind, ObjectNode payload, Duration timeout);
}

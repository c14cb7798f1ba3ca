package dev.breakglass.bot.sandbox.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A message only one user sees: from {@code chat.postEphemeral}, from a response URL post without
 * {@code response_type: in_channel}, or from the body of a slash command's acknowledgement.
 *
 * @param channel   where it shows ({@code C…}, {@code G…}, {@code D…})
 * @param user      the only one who sees it
 * @param messageTs its ts ({@code message_ts} of {@code chat.postEphemeral}); the container's
 *                  {@code message_ts} when the user clicks one of its buttons
 * @param text      text ({@code ""} when only blocks were sent)
 * @param blocks    blocks, or {@code null}
 * @param threadTs  thread it shows in, or {@code null}
 * @param at        when it was posted or last replaced (emulator clock)
 * @param via       {@code chat.postEphemeral}, {@code response_url} or {@code ack}
 */
public record EphemeralMessage(String channel, String user, String messageTs, String text, JsonNode blocks,
                               String threadTs, Instant at, String via) {
}

package dev.breakglass.bot.sandbox.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A message in a conversation, as the emulator holds it now. Snapshots: later edits do not change an instance.
 *
 * @param channel   conversation id ({@code C…}, {@code G…} or {@code D…}; never a user id)
 * @param ts        Slack's message id, {@code "1700000000.000100"}
 * @param user      who posted it (the bot's user id for bot messages)
 * @param botId     the bot id for bot messages, else {@code null}
 * @param text      current text ({@code ""} when only blocks were sent)
 * @param blocks    current blocks (an array, with the {@code block_id}s and {@code action_id}s Slack fills in),
 *                  or {@code null}
 * @param threadTs  the parent's ts for a reply, else {@code null}
 * @param deleted   true once deleted (through a response URL's {@code delete_original})
 * @param revisions every version in order, the first as posted and the last the current one
 */
public record Message(String channel, String ts, String user, String botId, String text, JsonNode blocks,
                      String threadTs, boolean deleted, List<Revision> revisions) {

    public Message {
        revisions = List.copyOf(revisions);
    }

    /** Whether {@code chat.update} (or {@code replace_original}) changed it after it was posted. */
    public boolean edited() {
        return revisions.size() > 1;
    }

    /**
     * One version of a message.
     *
     * @param text   the text of this version
     * @param blocks the blocks of this version, or {@code null}
     * @param at     when it was posted or edited (emulator clock)
     * @param via    the method that made it: {@code chat.postMessage}, {@code chat.update}, {@code response_url}
     *               or {@code ack}
     */
    public record Revision(String text, JsonNode blocks, Instant at, String via) {
    }
}

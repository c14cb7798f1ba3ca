package dev.breakglass.bot.sandbox.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A modal or a Home tab as the emulator holds it now. Snapshot.
 *
 * @param id       {@code V…}
 * @param userId   whose screen it is on
 * @param type     {@code modal} or {@code home}
 * @param view     the full view object exactly as {@code views.open}/{@code views.update}/{@code views.publish}
 *                 answered it (id, hash, blocks with filled-in ids, state, …)
 * @param closed   a modal the user submitted (and the bot did not keep open) or that was cleared; always
 *                 false for Home tabs
 * @param errors   the {@code errors} object of the last {@code response_action: errors} answer to a
 *                 submission, or {@code null}
 * @param history  every version of the view object, first to current
 */
public record SlackView(String id, String userId, String type, JsonNode view, boolean closed, JsonNode errors,
                        List<JsonNode> history) {

    public SlackView {
        history = List.copyOf(history);
    }

    public String callbackId() {
        return view.path("callback_id").asText("");
    }

    public String privateMetadata() {
        return view.path("private_metadata").asText("");
    }

    public String hash() {
        return view.path("hash").asText("");
    }
}

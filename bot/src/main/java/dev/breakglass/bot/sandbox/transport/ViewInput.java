package dev.breakglass.bot.sandbox.transport;

import dev.breakglass.bot.sandbox.state.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a user entered in a modal, in the shape of {@code view.state.values}:
 * {@code {block_id: {action_id: {"type": …, <value field>: …}}}} (slack-samples/requests/view_submission_*.json).
 * Mutable builder; {@link #toJson()} copies.
 */
public final class ViewInput {
    private final ObjectNode values = Json.object();

    private ViewInput() {
    }

    public static ViewInput create() {
        return new ViewInput();
    }

    /** A {@code plain_text_input}: {@code "value"}. */
    public ViewInput plainText(String blockId, String actionId, String value) {
        ObjectNode v = element(blockId, actionId, "plain_text_input");
        if (value == null) {
            v.putNull("value");
        } else {
            v.put("value", value);
        }
        return this;
    }

    /** A {@code static_select}: {@code selected_option} with this value and text. */
    public ViewInput staticSelect(String blockId, String actionId, String value, String text) {
        ObjectNode option = element(blockId, actionId, "static_select").putObject("selected_option");
        ObjectNode t = option.putObject("text");
        t.put("type", "plain_text");
        t.put("text", text);
        t.put("emoji", true);
        option.put("value", value);
        return this;
    }

    /** A {@code users_select}: {@code selected_user}. */
    public ViewInput usersSelect(String blockId, String actionId, String userId) {
        element(blockId, actionId, "users_select").put("selected_user", userId);
        return this;
    }

    /** A {@code datepicker}: {@code selected_date} (YYYY-MM-DD). */
    public ViewInput datepicker(String blockId, String actionId, String date) {
        element(blockId, actionId, "datepicker").put("selected_date", date);
        return this;
    }

    /** Any element: the given state object as is (it should carry {@code type}). */
    public ViewInput raw(String blockId, String actionId, JsonNode elementState) {
        block(blockId).set(actionId, elementState.deepCopy());
        return this;
    }

    /** The {@code values} object. */
    public ObjectNode toJson() {
        return values.deepCopy();
    }

    private ObjectNode element(String blockId, String actionId, String type) {
        ObjectNode e = block(blockId).putObject(actionId);
        e.put("type", type);
        return e;
    }

    private ObjectNode block(String blockId) {
        JsonNode b = values.get(blockId);
        return b instanceof ObjectNode o ? o : values.putObject(blockId);
    }
}

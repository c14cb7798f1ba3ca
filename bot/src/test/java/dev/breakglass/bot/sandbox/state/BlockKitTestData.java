package dev.breakglass.bot.sandbox.state;

import com.fasterxml.jackson.databind.JsonNode;

/** Small Block Kit fixtures as JSON. */
public final class BlockKitTestData {
    private BlockKitTestData() {
    }

    public static JsonNode denyOnly() {
        return Json.parse("[{\"type\":\"actions\",\"block_id\":\"b\",\"elements\":[{\"type\":\"button\",\"action_id\":\"deny\","
                + "\"text\":{\"type\":\"plain_text\",\"text\":\"Deny\"},\"value\":\"BG-7\"}]}]");
    }
}

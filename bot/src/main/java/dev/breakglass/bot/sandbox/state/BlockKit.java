package dev.breakglass.bot.sandbox.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What Slack does to Block Kit on the way in: it checks the documented limits (answering
 * {@code invalid_blocks} for messages and {@code invalid_arguments} for views, with
 * {@code response_metadata.messages} naming the JSON pointer) and fills in the {@code block_id}s and
 * {@code action_id}s the app left out, so that clicks and submissions can name them.
 *
 * <p>Limits (slack-samples/limits): 50 blocks per message, 100 per view; section text 3000, fields 10 of 2000;
 * header 150; actions 25 elements; context 10 elements; button text 75, value 2000, url 3000;
 * block_id/action_id 255; modal title/submit/close 24, private_metadata 3000, callback_id 255. It does not
 * validate every element type's schema; unknown block and element types pass.
 */
public final class BlockKit {
    static final int MESSAGE_BLOCKS = 50;
    static final int VIEW_BLOCKS = 100;

    private BlockKit() {
    }

    /** Problems of a message's blocks, in Slack's message format; empty when valid. */
    public static List<String> checkMessageBlocks(JsonNode blocks) {
        List<String> problems = new ArrayList<>();
        checkBlocks(blocks, "/blocks", MESSAGE_BLOCKS, problems);
        return problems;
    }

    /** Problems of a view object; empty when valid. {@code expectedType} is modal or home. */
    public static List<String> checkView(JsonNode view, String expectedType) {
        List<String> problems = new ArrayList<>();
        if (view == null || !view.isObject()) {
            problems.add("[ERROR] invalid view: not a JSON object [json-pointer:/view]");
            return problems;
        }
        String type = view.path("type").asText("");
        if (type.isEmpty()) {
            problems.add("[ERROR] missing required field: type [json-pointer:/view]");
        } else if (!type.equals(expectedType)) {
            problems.add("[ERROR] must be " + expectedType + " [json-pointer:/view/type]");
        }
        if (type.equals("modal")) {
            if (!view.hasNonNull("title")) {
                problems.add("[ERROR] missing required field: title [json-pointer:/view]");
            }
            maxText(view.get("title"), 24, "/view/title/text", problems);
            maxText(view.get("submit"), 24, "/view/submit/text", problems);
            maxText(view.get("close"), 24, "/view/close/text", problems);
            boolean hasInput = false;
            for (JsonNode b : view.path("blocks")) {
                hasInput |= b.path("type").asText("").equals("input");
            }
            if (hasInput && !view.hasNonNull("submit")) {
                problems.add("[ERROR] submit is required when an input block is present [json-pointer:/view/submit]");
            }
        }
        maxLength(view.get("private_metadata"), 3000, "/view/private_metadata", problems);
        maxLength(view.get("callback_id"), 255, "/view/callback_id", problems);
        maxLength(view.get("external_id"), 255, "/view/external_id", problems);
        if (!view.has("blocks")) {
            problems.add("[ERROR] missing required field: blocks [json-pointer:/view]");
        } else {
            checkBlocks(view.get("blocks"), "/view/blocks", VIEW_BLOCKS, problems);
        }
        return problems;
    }

    private static void checkBlocks(JsonNode blocks, String pointer, int max, List<String> problems) {
        if (blocks == null || !blocks.isArray()) {
            problems.add("[ERROR] must be an array [json-pointer:" + pointer + "]");
            return;
        }
        if (blocks.size() > max) {
            problems.add("[ERROR] must be less than " + (max + 1) + " items [json-pointer:" + pointer + "]");
        }
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = blocks.get(i);
            String at = pointer + "/" + i;
            if (!b.isObject() || b.path("type").asText("").isEmpty()) {
                problems.add("[ERROR] missing required field: type [json-pointer:" + at + "]");
                continue;
            }
            maxLength(b.get("block_id"), 255, at + "/block_id", problems);
            switch (b.get("type").asText()) {
                case "section" -> {
                    maxText(b.get("text"), 3000, at + "/text/text", problems);
                    JsonNode fields = b.get("fields");
                    if (fields != null && fields.isArray()) {
                        if (fields.size() > 10) {
                            problems.add("[ERROR] must be less than 11 items [json-pointer:" + at + "/fields]");
                        }
                        for (int f = 0; f < fields.size(); f++) {
                            maxText(fields.get(f), 2000, at + "/fields/" + f + "/text", problems);
                        }
                    }
                    if (!b.hasNonNull("text") && !b.hasNonNull("fields")) {
                        problems.add("[ERROR] must provide either text or fields [json-pointer:" + at + "]");
                    }
                    if (b.hasNonNull("accessory")) {
                        checkElement(b.get("accessory"), at + "/accessory", problems);
                    }
                }
                case "header" -> maxText(b.get("text"), 150, at + "/text/text", problems);
                case "actions" -> {
                    JsonNode elements = b.path("elements");
                    if (elements.size() > 25) {
                        problems.add("[ERROR] must be less than 26 items [json-pointer:" + at + "/elements]");
                    }
                    for (int e = 0; e < elements.size(); e++) {
                        checkElement(elements.get(e), at + "/elements/" + e, problems);
                    }
                }
                case "context" -> {
                    if (b.path("elements").size() > 10) {
                        problems.add("[ERROR] must be less than 11 items [json-pointer:" + at + "/elements]");
                    }
                }
                case "input" -> {
                    maxText(b.get("label"), 2000, at + "/label/text", problems);
                    if (b.hasNonNull("element")) {
                        checkElement(b.get("element"), at + "/element", problems);
                    } else {
                        problems.add("[ERROR] missing required field: element [json-pointer:" + at + "]");
                    }
                }
                default -> {
                    // divider, image, rich_text, …: no limit the bot is likely to hit
                }
            }
        }
    }

    private static void checkElement(JsonNode element, String at, List<String> problems) {
        maxLength(element.get("action_id"), 255, at + "/action_id", problems);
        if (element.path("type").asText("").equals("button")) {
            maxText(element.get("text"), 75, at + "/text/text", problems);
            maxLength(element.get("value"), 2000, at + "/value", problems);
            maxLength(element.get("url"), 3000, at + "/url", problems);
        }
    }

    private static void maxText(JsonNode textObject, int max, String pointer, List<String> problems) {
        if (textObject != null && textObject.isObject()) {
            maxLength(textObject.get("text"), max, pointer, problems);
        }
    }

    private static void maxLength(JsonNode value, int max, String pointer, List<String> problems) {
        if (value != null && value.isTextual() && value.asText().length() > max) {
            problems.add("[ERROR] must be less than " + (max + 1) + " characters [json-pointer:" + pointer + "]");
        }
    }

    /**
     * Returns a copy of the blocks with every missing {@code block_id} and {@code action_id} filled in, as
     * Slack does. Ids the app chose are kept.
     */
    public static ArrayNode withIds(JsonNode blocks, Supplier<String> ids) {
        ArrayNode copy = blocks.deepCopy();
        for (JsonNode b : copy) {
            if (!(b instanceof ObjectNode block)) {
                continue;
            }
            if (!block.hasNonNull("block_id")) {
                block.put("block_id", ids.get());
            }
            fillActionId(block.get("accessory"), ids);
            fillActionId(block.get("element"), ids);
            // only an actions block's elements are interactive; context and rich_text elements are not
            if (block.path("type").asText("").equals("actions")) {
                for (JsonNode e : block.path("elements")) {
                    fillActionId(e, ids);
                }
            }
        }
        return copy;
    }

    private static void fillActionId(JsonNode element, Supplier<String> ids) {
        if (element instanceof ObjectNode e && e.hasNonNull("type") && !e.hasNonNull("action_id")) {
            e.put("action_id", ids.get());
        }
    }
}

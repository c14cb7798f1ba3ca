package dev.breakglass.bot.sandbox.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The Block Kit the bot emits, gathered from what it sent (recorded Web API calls) and from its golden files, and
 * the types in it: layout blocks, their elements (accessory, input element, actions and context elements) and the
 * text objects they carry (text, fields, label, hint, button text).
 */
final class BlockTypes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BlockTypes() {
    }

    /** One surface's blocks: a message's or a view's, with where they show ({@code message}, {@code modal}, {@code home}). */
    record Surface(String surface, JsonNode blocks) {
    }

    /** The blocks of every message and view in these Web API parameters ({@code blocks}, {@code view}). */
    static List<Surface> fromCall(JsonNode params) {
        List<Surface> out = new ArrayList<>();
        JsonNode blocks = parsed(params.get("blocks"));
        if (blocks != null && blocks.isArray()) {
            out.add(new Surface("message", blocks));
        }
        JsonNode view = parsed(params.get("view"));
        if (view != null && view.path("blocks").isArray()) {
            out.add(new Surface(view.path("type").asText("modal"), view.get("blocks")));
        }
        return out;
    }

    /** Every {@code *.json} under the golden folder that holds blocks (a blocks array, a message or a view). */
    static List<Surface> fromGoldenFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            List<Surface> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                JsonNode node = JSON.readTree(f.toFile());
                if (node.isArray()) {
                    out.add(new Surface("message", node));
                } else {
                    out.addAll(fromCall(node));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The types used in these surfaces. */
    static Set<String> types(List<Surface> surfaces) {
        Set<String> types = new TreeSet<>();
        for (Surface s : surfaces) {
            s.blocks().forEach(block -> {
                types.add(block.path("type").asText());
                Stream.of("text", "label", "hint", "title").forEach(f -> text(block.get(f), types));
                block.path("fields").forEach(f -> text(f, types));
                element(block.get("accessory"), types);
                element(block.get("element"), types);
                block.path("elements").forEach(e -> element(e, types));
            });
        }
        types.remove("");
        return types;
    }

    private static void element(JsonNode element, Set<String> types) {
        if (element == null || !element.isObject()) {
            return;
        }
        String type = element.path("type").asText();
        types.add(type);
        if (!type.equals("plain_text") && !type.equals("mrkdwn")) {
            text(element.get("text"), types);
        }
    }

    private static void text(JsonNode text, Set<String> types) {
        if (text != null && text.isObject() && text.has("type")) {
            types.add(text.get("type").asText());
        }
    }

    private static JsonNode parsed(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            try {
                return JSON.readTree(value.asText());
            } catch (IOException e) {
                return null;
            }
        }
        return value;
    }
}

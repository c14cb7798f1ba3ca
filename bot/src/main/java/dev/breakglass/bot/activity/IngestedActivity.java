package dev.breakglass.bot.activity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.activity.Activity;
import dev.breakglass.activity.ActivityService;
import dev.breakglass.activity.Completeness;
import dev.breakglass.bot.json.JsonMappers;
import dev.breakglass.grant.GrantId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The body of {@code POST /activity} read into activities, or the reason it cannot be.
 *
 * <p>Two shapes: one activity as the whole body, or {@code {"activities": [ … ]}} with 1 to {@value #MAX_ACTIVITIES}
 * of them, all of one grant. An activity is {@code {"grant_id", "at", "actor", "action", "detail"}} with optional
 * {@code "source"} (default {@value ActivityService#INGEST}) and {@code "completeness"} ({@code complete}, the
 * default, or {@code sampled}). {@code grant_id} is {@code "BG-7"}, {@code "7"} or {@code 7}; {@code at} is ISO-8601
 * with an offset ({@code 2026-12-03T08:15:02Z}), at most {@value #FUTURE_SECONDS} s ahead of the bot's clock; the
 * other fields follow {@link Activity}'s rules (the detail is masked). Unknown fields are refused, so a misspelt
 * field is not silently dropped. Each refusal names the activity ({@code activities[3]}) and the field.
 */
public final class IngestedActivity {
    /** Most activities in one post. */
    public static final int MAX_ACTIVITIES = 500;
    /** How far ahead of the bot's clock an activity's {@code at} may be (clock skew). */
    static final long FUTURE_SECONDS = 300;
    private static final Set<String> FIELDS = Set.of("grant_id", "at", "actor", "action", "detail", "source",
            "completeness");
    private static final ObjectMapper JSON = JsonMappers.standard();

    private IngestedActivity() {
    }

    /** What a body came to. */
    public sealed interface Read {
        /** All of one grant, in the order posted. */
        record Activities(GrantId grant, String source, List<Activity> activities) implements Read {
        }

        /** Not usable; nothing may be stored. */
        record Invalid(String why) implements Read {
        }
    }

    /** Reads {@code body} (UTF-8 JSON) at {@code now}. Never throws on bad input. */
    public static Read read(byte[] body, Instant now) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            return new Read.Invalid("the body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return new Read.Invalid("the body must be a JSON object: one activity, or {\"activities\": [...]}");
        }
        List<JsonNode> items = new ArrayList<>();
        boolean listed = root.has("activities");
        if (listed) {
            if (root.size() != 1) {
                return new Read.Invalid("a body with \"activities\" has no other field");
            }
            JsonNode list = root.get("activities");
            if (!list.isArray() || list.isEmpty()) {
                return new Read.Invalid("activities must be a list of 1 to " + MAX_ACTIVITIES + " activities");
            }
            if (list.size() > MAX_ACTIVITIES) {
                return new Read.Invalid("activities has " + list.size() + " entries; at most " + MAX_ACTIVITIES
                        + " per post");
            }
            list.forEach(items::add);
        } else {
            items.add(root);
        }
        List<Activity> out = new ArrayList<>();
        GrantId grant = null;
        String source = null;
        for (int i = 0; i < items.size(); i++) {
            String where = listed ? "activities[" + i + "]: " : "";
            JsonNode item = items.get(i);
            try {
                Activity a = activity(item, now);
                if (grant != null && !grant.equals(a.grant())) {
                    return new Read.Invalid(where + "grant_id is " + a.grant() + " but the first activity's is "
                            + grant + "; post each grant's activity separately");
                }
                if (source != null && !source.equals(a.source())) {
                    return new Read.Invalid(where + "source is " + a.source() + " but the first activity's is "
                            + source + "; one source per post");
                }
                grant = a.grant();
                source = a.source();
                out.add(a);
            } catch (IllegalArgumentException e) {
                return new Read.Invalid(where + e.getMessage());
            }
        }
        return new Read.Activities(grant, source, out);
    }

    private static Activity activity(JsonNode item, Instant now) {
        if (!item.isObject()) {
            throw new IllegalArgumentException("an activity must be a JSON object");
        }
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field \"" + name + "\"; the fields are grant_id, at, "
                        + "actor, action, detail, source, completeness");
            }
        }
        GrantId grant = grant(item.get("grant_id"));
        String at = text(item, "at", true);
        Instant when;
        try {
            when = java.time.OffsetDateTime.parse(at).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("at must be ISO-8601 with an offset, like 2026-12-03T08:15:02Z");
        }
        if (when.isAfter(now.plusSeconds(FUTURE_SECONDS))) {
            throw new IllegalArgumentException("at is in the future (" + at + ")");
        }
        String completeness = Optional.ofNullable(text(item, "completeness", false)).orElse("complete");
        Completeness c = switch (completeness.toLowerCase(Locale.ROOT)) {
            case "complete" -> Completeness.COMPLETE;
            case "sampled" -> Completeness.SAMPLED;
            default -> throw new IllegalArgumentException("completeness must be complete or sampled");
        };
        String source = Optional.ofNullable(text(item, "source", false)).orElse(ActivityService.INGEST);
        if (source.equalsIgnoreCase(ActivityService.POLLED)) {
            throw new IllegalArgumentException("source \"" + ActivityService.POLLED + "\" is the bot's own; "
                    + "name what sent it, like ingest or shell-recorder");
        }
        return new Activity(grant, when, text(item, "actor", true), text(item, "action", true),
                text(item, "detail", false), source, c);
    }

    private static GrantId grant(JsonNode value) {
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("grant_id is missing");
        }
        Optional<GrantId> id = value.isIntegralNumber() && value.canConvertToLong() && value.asLong() > 0
                ? Optional.of(new GrantId(value.asLong()))
                : value.isTextual() ? parse(value.asText()) : Optional.empty();
        return id.orElseThrow(() -> new IllegalArgumentException("grant_id must look like BG-7"));
    }

    private static Optional<GrantId> parse(String text) {
        String t = text.strip();
        if (t.matches("[1-9][0-9]{0,17}")) {
            return Optional.of(new GrantId(Long.parseLong(t)));
        }
        return GrantId.parse(t);
    }

    private static String text(JsonNode item, String field, boolean required) {
        JsonNode v = item.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException(field + " is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return v.asText();
    }
}

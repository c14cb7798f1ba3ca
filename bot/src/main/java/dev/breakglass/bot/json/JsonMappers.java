package dev.breakglass.bot.json;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The bot's Jackson mappers, configured in one place. Every reader refuses what is not one clean JSON document: a
 * key written twice ({@code {"a":1,"a":2}}, which two parsers could read differently) and anything after the
 * value ({@code {} {}}). Two variants add what a few callers need on top of that:
 * <ul>
 *   <li>{@link #canonical()}: map keys sorted at every level, for the audit chain's canonical JSON (hashes must
 *       not depend on insertion order);</li>
 *   <li>{@link #exactNumbers()}: numbers with a fraction kept as written ({@code 1.50} stays {@code 1.50}), for
 *       the webhook and command adapters' answers, whose credentials may be numbers.</li>
 * </ul>
 * The mappers are shared and thread-safe; never reconfigure one (use {@code rebuild()} for a copy). Micronaut's
 * own HTTP bodies go through micronaut-serde, not through these.
 */
public final class JsonMappers {
    private static final JsonMapper STANDARD = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final JsonMapper CANONICAL = STANDARD.rebuild()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    private static final JsonMapper EXACT_NUMBERS = STANDARD.rebuild()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private JsonMappers() {
    }

    /** Strict reading (no duplicate keys, nothing after the value); writing as Jackson does by default. */
    public static JsonMapper standard() {
        return STANDARD;
    }

    /** {@link #standard()}, writing map keys sorted at every level. */
    public static JsonMapper canonical() {
        return CANONICAL;
    }

    /** {@link #standard()}, reading numbers with a fraction as {@code BigDecimal}, trailing zeros kept. */
    public static JsonMapper exactNumbers() {
        return EXACT_NUMBERS;
    }
}

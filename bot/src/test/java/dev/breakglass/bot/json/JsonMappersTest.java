package dev.breakglass.bot.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonMappersTest {

    @Test
    void everyMapperRefusesADuplicateKeyAndTrailingText() throws Exception {
        for (JsonMapper mapper : new JsonMapper[] {JsonMappers.standard(), JsonMappers.canonical(),
                JsonMappers.exactNumbers()}) {
            assertThrows(JacksonException.class, () -> mapper.readTree("{\"role\":\"a\",\"role\":\"b\"}"));
            assertThrows(JacksonException.class, () -> mapper.readTree("{} {}"));
            assertEquals("b", mapper.readTree("{\"role\":\"b\"}").get("role").asText());
        }
    }

    @Test
    void canonicalSortsKeysAtEveryLevelAndStandardKeepsTheirOrder() throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("a", 2);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("y", inner);
        outer.put("b", true);

        assertEquals("{\"b\":true,\"y\":{\"a\":2,\"z\":1}}", JsonMappers.canonical().writeValueAsString(outer));
        assertEquals("{\"y\":{\"z\":1,\"a\":2},\"b\":true}", JsonMappers.standard().writeValueAsString(outer));
    }

    @Test
    void exactNumbersKeepTheDigitsAsWritten() throws Exception {
        assertEquals("{\"pin\":1.50}", JsonMappers.exactNumbers().readTree("{\"pin\":1.50}").toString());
        assertEquals("{\"pin\":1.5}", JsonMappers.standard().readTree("{\"pin\":1.50}").toString());
    }
}

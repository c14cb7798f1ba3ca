package dev.breakglass.bot.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/** Reads a JSON Lines record back into an entry, as an auditor's own tool would (tests only). */
final class AuditJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditJson() {
    }

    static AuditEntry parse(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            Map<String, Object> details = JSON.convertValue(n.get("details"), new TypeReference<>() { });
            return new AuditEntry(n.get("seq").asLong(), Instant.parse(n.get("at").asText()),
                    Long.parseLong(n.get("grant").asText().substring(3)), n.get("type").asText(),
                    n.get("actor").asText(), details, n.get("prev_hash").asText(), n.get("hash").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.loopgate.gateway.rules.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.wire.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads the JSON a version is stored as in Redis:
 * {@code {"version":3,"author":"ops","createdAt":"2025-01-01T00:00:00Z","comment":"","document":"{...}"}}.
 * The Lua script writes it, so that the number it assigns is inside the stored record.
 */
final class RulesVersionJson {
    private RulesVersionJson() {
    }

    static RulesVersion read(String json) {
        try {
            JsonNode node = Json.MAPPER.readTree(json);
            return new RulesVersion(
                    number(node, "version"),
                    text(node, "author"),
                    Instant.parse(text(node, "createdAt")),
                    text(node, "comment"),
                    text(node, "document"));
        } catch (JsonProcessingException | DateTimeParseException | IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("stored rules version is not readable: " + e.getMessage(), e);
        }
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToExactIntegral()) {
            throw new IllegalArgumentException("'" + field + "' is not an integer");
        }
        return value.asLong();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is not a string");
        }
        return value.textValue();
    }
}

package dev.loopgate.gateway.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * The Responses API's token counts as the gateway charges them: {@code input_tokens} (cached
 * ones included, as {@code input_tokens_details.cached_tokens}) and {@code output_tokens}
 * (reasoning included).
 */
public final class ResponsesUsage {
    private ResponsesUsage() {
    }

    /** A Responses {@code usage} object; missing counts are 0. */
    public static Usage of(JsonNode usage) {
        long input = usage.path("input_tokens").asLong(0);
        long cached = Math.min(input, usage.path("input_tokens_details").path("cached_tokens").asLong(0));
        return new Usage(input, usage.path("output_tokens").asLong(0), cached);
    }

    /** The usage of a whole response; {@link Usage#NONE} when it has none or cannot be read. */
    public static Usage read(Buffer response) {
        try {
            JsonNode usage = Json.MAPPER.readTree(response.getBytes()).get("usage");
            return usage == null || !usage.isObject() ? Usage.NONE : of(usage);
        } catch (IOException | RuntimeException malformed) {
            return Usage.NONE;
        }
    }

    /** The text a whole response generated (output text, function call arguments), to count when it has no usage. */
    public static CharSequence generatedText(Buffer response) {
        StringBuilder text = new StringBuilder();
        try {
            for (JsonNode item : Json.MAPPER.readTree(response.getBytes()).path("output")) {
                text.append(item.path("arguments").asText(""));
                for (JsonNode part : item.path("content")) {
                    text.append(part.path("text").asText(""));
                }
            }
        } catch (IOException | RuntimeException malformed) {
            // counted as far as it could be read
        }
        return text;
    }
}

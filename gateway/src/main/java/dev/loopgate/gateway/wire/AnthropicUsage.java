package dev.loopgate.gateway.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Anthropic's token counts as the gateway charges them: the prompt is every input token,
 * cached or not ({@code input_tokens} + cache writes + cache reads), cache reads the cached
 * part and cache writes the written part.
 */
public final class AnthropicUsage {
    private AnthropicUsage() {
    }

    /** The usage of a whole Messages answer; {@link Usage#NONE} when it has none or cannot be read. */
    public static Usage read(Buffer message) {
        try {
            JsonNode usage = Json.MAPPER.readTree(message.getBytes()).get("usage");
            return usage == null || !usage.isObject() ? Usage.NONE : of(usage);
        } catch (IOException | RuntimeException malformed) {
            return Usage.NONE;
        }
    }

    /** The text a whole Messages answer generated (text, tool inputs, thinking), to count when it has no usage. */
    public static CharSequence generatedText(Buffer message) {
        StringBuilder text = new StringBuilder();
        try {
            for (JsonNode block : Json.MAPPER.readTree(message.getBytes()).path("content")) {
                text.append(block.path("text").asText("")).append(block.path("thinking").asText(""));
                if (block.has("input")) {
                    text.append(block.get("input").toString());
                }
            }
        } catch (IOException | RuntimeException malformed) {
            // counted as far as it could be read
        }
        return text;
    }

    /** An Anthropic {@code usage} object; missing counts are 0. */
    public static Usage of(JsonNode usage) {
        long input = usage.path("input_tokens").asLong(0);
        long written = usage.path("cache_creation_input_tokens").asLong(0);
        long read = usage.path("cache_read_input_tokens").asLong(0);
        return new Usage(input + written + read, usage.path("output_tokens").asLong(0), read, written);
    }
}

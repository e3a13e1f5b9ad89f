package dev.loopgate.gateway.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;

/**
 * The Anthropic Messages dialect's request parser: checks what the gateway relies on (the
 * model, {@code max_tokens}, the messages' shape, {@code stream}, tools) and leaves every other
 * field (system blocks, {@code cache_control}, thinking, betas' fields) for the provider to
 * judge, untouched. A pure function of the bytes.
 */
public final class AnthropicRequestParser {
    private AnthropicRequestParser() {
    }

    /** Reads and checks one {@code POST /v1/messages} body; a problem is a {@link GatewayException} naming the field. */
    public static ParsedRequest parse(Buffer body) {
        ObjectNode json = RequestJson.parseObject(body);
        String model = RequestJson.requireString(json, "model");
        long maxTokens = RequestJson.optionalPositiveInt(json, "max_tokens");
        if (maxTokens == ParsedRequest.ABSENT) {
            throw RequestJson.invalid("Missing required parameter: 'max_tokens'.", "max_tokens");
        }
        boolean hasImages = checkMessages(json.get("messages"));
        JsonNode system = json.get("system");
        if (system != null && !(system.isTextual() || system.isArray() || system.isNull())) {
            throw RequestJson.invalid("'system' must be a string or an array of content blocks.", "system");
        }
        boolean stream = RequestJson.optionalBoolean(json, "stream");
        JsonNode tools = RequestJson.optionalArray(json, "tools");
        RequestJson.optionalObject(json, "metadata");
        return new ParsedRequest(json, model, stream, false, maxTokens, 1, tools != null && !tools.isEmpty(), hasImages,
                false);
    }

    /**
     * Reads and checks one {@code POST /v1/messages/count_tokens} body: a Messages request
     * without {@code max_tokens}.
     */
    public static ParsedRequest parseCount(Buffer body) {
        ObjectNode json = RequestJson.parseObject(body);
        String model = RequestJson.requireString(json, "model");
        boolean hasImages = checkMessages(json.get("messages"));
        JsonNode tools = RequestJson.optionalArray(json, "tools");
        return new ParsedRequest(json, model, false, false, ParsedRequest.ABSENT, 1, tools != null && !tools.isEmpty(),
                hasImages, false);
    }

    /** Checks the messages; returns whether any of them carries an image or a document. */
    private static boolean checkMessages(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw RequestJson.invalid("Missing required parameter: 'messages'.", "messages");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw RequestJson.invalid("'messages' must be a non-empty array of message objects.", "messages");
        }
        boolean hasImages = false;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String at = "messages[" + i + "]";
            if (!message.isObject()) {
                throw RequestJson.invalid("'" + at + "' must be an object.", at);
            }
            if (!message.path("role").isTextual()) {
                throw RequestJson.invalid("'" + at + ".role' must be a string.", at + ".role");
            }
            JsonNode content = message.get("content");
            if (content == null || content.isNull()) {
                throw RequestJson.invalid("Missing required parameter: '" + at + ".content'.", at + ".content");
            }
            if (!(content.isTextual() || content.isArray())) {
                throw RequestJson.invalid("'" + at + ".content' must be a string or an array of content blocks.",
                        at + ".content");
            }
            for (JsonNode block : content) {
                String type = block.path("type").asText("");
                hasImages |= "image".equals(type) || "document".equals(type);
            }
        }
        return hasImages;
    }
}

package dev.loopgate.gateway.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;

/**
 * The OpenAI Responses API's request parser: checks what the gateway relies on (the model,
 * {@code input} as a string or items, {@code max_output_tokens}, {@code stream}, tools and
 * {@code text.format}) and leaves every other field for the provider. A pure function of the bytes.
 */
public final class ResponsesRequestParser {
    private ResponsesRequestParser() {
    }

    /** Reads and checks one {@code POST /v1/responses} body; a problem is a {@link GatewayException} naming the field. */
    public static ParsedRequest parse(Buffer body) {
        ObjectNode json = RequestJson.parseObject(body);
        String model = RequestJson.requireString(json, "model");
        boolean hasImages = checkInput(json.get("input"));
        JsonNode instructions = json.get("instructions");
        if (instructions != null && !(instructions.isTextual() || instructions.isNull())) {
            throw RequestJson.invalid("'instructions' must be a string.", "instructions");
        }
        long maxTokens = RequestJson.optionalPositiveInt(json, "max_output_tokens");
        boolean stream = RequestJson.optionalBoolean(json, "stream");
        JsonNode tools = RequestJson.optionalArray(json, "tools");
        RequestJson.optionalObject(json, "metadata");
        JsonNode text = RequestJson.optionalObject(json, "text");
        String format = text == null ? "" : text.path("format").path("type").asText("");
        JsonNode previous = json.get("previous_response_id");
        if (previous != null && !(previous.isTextual() || previous.isNull())) {
            throw RequestJson.invalid("'previous_response_id' must be a string.", "previous_response_id");
        }
        return new ParsedRequest(json, model, stream, false, maxTokens, 1, tools != null && !tools.isEmpty(), hasImages,
                "json_schema".equals(format) || "json_object".equals(format));
    }

    /** Checks {@code input}: a string, or an array of items; returns whether an item carries an image. */
    private static boolean checkInput(JsonNode input) {
        if (input == null || input.isNull()) {
            throw RequestJson.invalid("Missing required parameter: 'input'.", "input");
        }
        if (input.isTextual()) {
            return false;
        }
        if (!input.isArray() || input.isEmpty()) {
            throw RequestJson.invalid("'input' must be a string or a non-empty array of items.", "input");
        }
        boolean hasImages = false;
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (!item.isObject()) {
                throw RequestJson.invalid("'input[" + i + "]' must be an object.", "input[" + i + "]");
            }
            for (JsonNode part : item.path("content")) {
                hasImages |= "input_image".equals(part.path("type").asText(""));
            }
        }
        return hasImages;
    }
}

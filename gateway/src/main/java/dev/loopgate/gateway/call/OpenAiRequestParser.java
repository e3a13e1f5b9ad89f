package dev.loopgate.gateway.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;

/**
 * The OpenAI dialect's request parser (chat completions and embeddings): reads the body once
 * into a JSON tree and checks the fields the gateway relies on, so a malformed call is
 * answered with a 400 naming the field instead of reaching a provider. Fields the gateway
 * does not use are left for the provider to judge. A pure function of the bytes.
 */
public final class OpenAiRequestParser {
    /** OpenAI's own bound on {@code n}. */
    public static final int MAX_CHOICES = 128;

    private OpenAiRequestParser() {
    }

    /** Reads and checks one request body; a problem is a {@link GatewayException} naming the field. */
    public static ParsedRequest parse(Endpoint endpoint, Buffer body) {
        ObjectNode json = RequestJson.parseObject(body);
        String model = RequestJson.requireString(json, "model");
        ParsedRequest request;
        if (endpoint == Endpoint.CHAT_COMPLETIONS) {
            boolean hasImages = checkMessages(json.get("messages"));
            boolean stream = RequestJson.optionalBoolean(json, "stream");
            long maxTokens = RequestJson.optionalPositiveInt(json, "max_tokens");
            long maxCompletionTokens = RequestJson.optionalPositiveInt(json, "max_completion_tokens");
            int choices = (int) Math.max(1, Math.max(choiceCount(json, "n"), choiceCount(json, "best_of")));
            JsonNode tools = RequestJson.optionalArray(json, "tools");
            RequestJson.optionalObject(json, "metadata");
            JsonNode streamOptions = RequestJson.optionalObject(json, "stream_options");
            JsonNode responseFormat = RequestJson.optionalObject(json, "response_format");
            String format = responseFormat == null ? "" : responseFormat.path("type").asText("");
            request = new ParsedRequest(json, model, stream,
                    streamOptions != null && streamOptions.path("include_usage").asBoolean(false),
                    maxCompletionTokens != ParsedRequest.ABSENT ? maxCompletionTokens : maxTokens,
                    choices,
                    tools != null && !tools.isEmpty(),
                    hasImages,
                    "json_object".equals(format) || "json_schema".equals(format));
        } else {
            checkEmbeddingInput(json.get("input"));
            request = ParsedRequest.embeddings(json, model);
        }
        return request;
    }

    /** Checks the messages; returns whether any of them carries an image. */
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
            if (!message.isObject()) {
                throw RequestJson.invalid("'messages[" + i + "]' must be an object.", "messages[" + i + "]");
            }
            JsonNode role = message.get("role");
            if (role == null || !role.isTextual()) {
                throw RequestJson.invalid("'messages[" + i + "].role' must be a string.", "messages[" + i + "].role");
            }
            JsonNode content = message.get("content");
            // only an assistant message may come without content (it carries tool_calls instead)
            if (content == null && !"assistant".equals(role.asText())) {
                throw RequestJson.invalid("Missing required parameter: 'messages[" + i + "].content'.", "messages[" + i + "].content");
            }
            if (content != null && !(content.isTextual() || content.isArray() || content.isNull())) {
                throw RequestJson.invalid("'messages[" + i + "].content' must be a string or an array of content parts.",
                        "messages[" + i + "].content");
            }
            if (content != null && content.isArray()) {
                for (JsonNode part : content) {
                    String type = part.path("type").asText("");
                    hasImages |= "image_url".equals(type) || "image".equals(type);
                }
            }
        }
        return hasImages;
    }

    private static void checkEmbeddingInput(JsonNode input) {
        if (input == null || input.isNull()) {
            throw RequestJson.invalid("Missing required parameter: 'input'.", "input");
        }
        boolean ok = input.isTextual() || input.isArray() && !input.isEmpty();
        if (input.isArray()) {
            for (JsonNode item : input) {
                ok &= item.isTextual() || item.isInt() || item.isArray();
            }
        }
        if (!ok) {
            throw RequestJson.invalid("'input' must be a string, an array of strings, or an array of token arrays.", "input");
        }
    }

    /** {@code n} or {@code best_of}: each choice is billed, so it must be a whole number the budget can price. */
    private static long choiceCount(ObjectNode json, String field) {
        long count = RequestJson.optionalPositiveInt(json, field);
        if (count > MAX_CHOICES) {
            throw RequestJson.invalid("'" + field + "' must be at most " + MAX_CHOICES + ".", field);
        }
        return count;
    }
}

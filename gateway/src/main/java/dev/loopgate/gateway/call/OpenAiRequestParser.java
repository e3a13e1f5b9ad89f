package dev.loopgate.gateway.call;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * The OpenAI dialect's request parser (chat completions and embeddings): reads the body once
 * into a JSON tree and checks the fields the gateway relies on, so a malformed call is
 * answered with a 400 naming the field instead of reaching a provider. Fields the gateway
 * does not use are left for the provider to judge. A pure function of the bytes.
 */
public final class OpenAiRequestParser {
    /** OpenAI's own bound on {@code n}. */
    public static final int MAX_CHOICES = 128;
    /**
     * Numbers with a fraction are kept as written (as decimals): read as doubles, 1e400 would
     * become Infinity and be forwarded as the string "Infinity".
     */
    private static final ObjectReader READER = Json.MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private OpenAiRequestParser() {
    }

    /** Reads and checks one request body; a problem is a {@link GatewayException} naming the field. */
    public static ParsedRequest parse(Endpoint endpoint, Buffer body) {
        ObjectNode json = parseObject(body);
        String model = requireString(json, "model");
        ParsedRequest request;
        if (endpoint == Endpoint.CHAT_COMPLETIONS) {
            boolean hasImages = checkMessages(json.get("messages"));
            boolean stream = optionalBoolean(json, "stream");
            long maxTokens = optionalPositiveInt(json, "max_tokens");
            long maxCompletionTokens = optionalPositiveInt(json, "max_completion_tokens");
            int choices = (int) Math.max(1, Math.max(choiceCount(json, "n"), choiceCount(json, "best_of")));
            JsonNode tools = optionalArray(json, "tools");
            optionalObject(json, "metadata");
            JsonNode streamOptions = optionalObject(json, "stream_options");
            JsonNode responseFormat = optionalObject(json, "response_format");
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

    private static ObjectNode parseObject(Buffer body) {
        if (body.length() == 0) {
            throw invalid("The request body is empty; expected a JSON object.", null);
        }
        JsonNode root;
        try (JsonParser parser = Json.MAPPER.createParser(body.getBytes())) {
            root = READER.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                // Providers reject this too; what is forwarded must be exactly what was checked.
                throw invalid("The request body has more text after its JSON object.", null);
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw invalid("The request body is not valid JSON" + where + ": " + withoutSource(e.getOriginalMessage()),
                    null);
        } catch (IOException e) {
            throw invalid("The request body could not be read as JSON.", null);
        }
        if (root == null || !root.isObject()) {
            throw invalid("The request body must be a JSON object.", null);
        }
        return (ObjectNode) root;
    }

    /** Jackson's detail without its "(start marker at [Source: ...])" note, which speaks of its own internals. */
    private static String withoutSource(String detail) {
        int note = detail.indexOf(" (start marker at");
        return note < 0 ? detail : detail.substring(0, note);
    }

    private static String requireString(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            throw invalid("Missing required parameter: '" + field + "'.", field);
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw invalid("'" + field + "' must be a non-empty string.", field);
        }
        return node.asText();
    }

    /** Checks the messages; returns whether any of them carries an image. */
    private static boolean checkMessages(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw invalid("Missing required parameter: 'messages'.", "messages");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw invalid("'messages' must be a non-empty array of message objects.", "messages");
        }
        boolean hasImages = false;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            if (!message.isObject()) {
                throw invalid("'messages[" + i + "]' must be an object.", "messages[" + i + "]");
            }
            JsonNode role = message.get("role");
            if (role == null || !role.isTextual()) {
                throw invalid("'messages[" + i + "].role' must be a string.", "messages[" + i + "].role");
            }
            JsonNode content = message.get("content");
            // only an assistant message may come without content (it carries tool_calls instead)
            if (content == null && !"assistant".equals(role.asText())) {
                throw invalid("Missing required parameter: 'messages[" + i + "].content'.", "messages[" + i + "].content");
            }
            if (content != null && !(content.isTextual() || content.isArray() || content.isNull())) {
                throw invalid("'messages[" + i + "].content' must be a string or an array of content parts.",
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
            throw invalid("Missing required parameter: 'input'.", "input");
        }
        boolean ok = input.isTextual() || input.isArray() && !input.isEmpty();
        if (input.isArray()) {
            for (JsonNode item : input) {
                ok &= item.isTextual() || item.isInt() || item.isArray();
            }
        }
        if (!ok) {
            throw invalid("'input' must be a string, an array of strings, or an array of token arrays.", "input");
        }
    }

    private static boolean optionalBoolean(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw invalid("'" + field + "' must be a boolean.", field);
        }
        return node.booleanValue();
    }

    /** The field's value, or {@link ParsedRequest#ABSENT} when it is not set. */
    private static long optionalPositiveInt(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return ParsedRequest.ABSENT;
        }
        if (!(node.canConvertToInt() && node.isIntegralNumber() && node.intValue() > 0)) {
            throw invalid("'" + field + "' must be a positive integer.", field);
        }
        return node.intValue();
    }

    /** {@code n} or {@code best_of}: each choice is billed, so it must be a whole number the budget can price. */
    private static long choiceCount(ObjectNode json, String field) {
        long count = optionalPositiveInt(json, field);
        if (count > MAX_CHOICES) {
            throw invalid("'" + field + "' must be at most " + MAX_CHOICES + ".", field);
        }
        return count;
    }

    private static JsonNode optionalArray(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw invalid("'" + field + "' must be an array.", field);
        }
        return node;
    }

    private static JsonNode optionalObject(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid("'" + field + "' must be an object.", field);
        }
        return node;
    }

    private static GatewayException invalid(String message, String param) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message, param);
    }
}

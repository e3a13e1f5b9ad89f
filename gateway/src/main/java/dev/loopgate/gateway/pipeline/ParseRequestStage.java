package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import java.io.IOException;

/**
 * Reads the body once into a JSON tree and checks the fields the gateway relies on,
 * so a malformed call is answered with a 400 naming the field instead of reaching a
 * provider. Fields the gateway does not use are left for the provider to judge.
 */
public final class ParseRequestStage implements Stage {

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        ObjectNode json = parseObject(exchange);
        String model = requireString(json, "model");
        boolean stream = false;
        boolean clientWantsUsage = false;
        if (exchange.endpoint() == Endpoint.CHAT_COMPLETIONS) {
            checkMessages(json.get("messages"));
            stream = optionalBoolean(json, "stream");
            optionalPositiveInt(json, "max_tokens");
            optionalPositiveInt(json, "max_completion_tokens");
            optionalArray(json, "tools");
            optionalObject(json, "metadata");
            JsonNode streamOptions = optionalObject(json, "stream_options");
            clientWantsUsage = streamOptions != null && streamOptions.path("include_usage").asBoolean(false);
        } else {
            checkEmbeddingInput(json.get("input"));
        }
        exchange.request(new ParsedRequest(json, model, stream, clientWantsUsage));
        return next.proceed(exchange);
    }

    private static ObjectNode parseObject(Exchange exchange) {
        if (exchange.body().length() == 0) {
            throw invalid("The request body is empty; expected a JSON object.", null);
        }
        JsonNode root;
        try (JsonParser parser = Json.MAPPER.createParser(exchange.body().getBytes())) {
            root = Json.MAPPER.readTree(parser);
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

    private static void checkMessages(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw invalid("Missing required parameter: 'messages'.", "messages");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw invalid("'messages' must be a non-empty array of message objects.", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String param = "messages[" + i + "]";
            if (!message.isObject()) {
                throw invalid("'" + param + "' must be an object.", param);
            }
            JsonNode role = message.get("role");
            if (role == null || !role.isTextual()) {
                throw invalid("'" + param + ".role' must be a string.", param + ".role");
            }
            JsonNode content = message.get("content");
            if (content != null && !(content.isTextual() || content.isArray() || content.isNull())) {
                throw invalid("'" + param + ".content' must be a string or an array of content parts.",
                        param + ".content");
            }
        }
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

    private static void optionalPositiveInt(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node != null && !node.isNull() && !(node.canConvertToInt() && node.isIntegralNumber() && node.intValue() > 0)) {
            throw invalid("'" + field + "' must be a positive integer.", field);
        }
    }

    private static void optionalArray(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node != null && !node.isNull() && !node.isArray()) {
            throw invalid("'" + field + "' must be an array.", field);
        }
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

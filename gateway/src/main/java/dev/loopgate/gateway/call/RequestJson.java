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

/** What every dialect's request parser reads alike: the body as one JSON object, and typed fields of it. */
final class RequestJson {
    /**
     * Numbers with a fraction are kept as written (as decimals): read as doubles, 1e400 would
     * become Infinity and be forwarded as the string "Infinity".
     */
    private static final ObjectReader READER = Json.MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private RequestJson() {
    }

    static ObjectNode parseObject(Buffer body) {
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

    static String requireString(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            throw invalid("Missing required parameter: '" + field + "'.", field);
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw invalid("'" + field + "' must be a non-empty string.", field);
        }
        return node.asText();
    }

    static boolean optionalBoolean(ObjectNode json, String field) {
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
    static long optionalPositiveInt(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return ParsedRequest.ABSENT;
        }
        if (!(node.canConvertToInt() && node.isIntegralNumber() && node.intValue() > 0)) {
            throw invalid("'" + field + "' must be a positive integer.", field);
        }
        return node.intValue();
    }

    static JsonNode optionalArray(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw invalid("'" + field + "' must be an array.", field);
        }
        return node;
    }

    static JsonNode optionalObject(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid("'" + field + "' must be an object.", field);
        }
        return node;
    }

    static GatewayException invalid(String message, String param) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message, param);
    }
}

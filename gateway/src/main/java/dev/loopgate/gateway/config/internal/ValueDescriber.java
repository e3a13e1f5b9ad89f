package dev.loopgate.gateway.config.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Words for binding problems: the path of the value being bound, what was expected
 * ("an integer") and what was found ({@code "abc"}, "a list"). A value that came from
 * the environment is never echoed, since it may be a secret.
 */
final class ValueDescriber {
    private static final int MAX_ECHO = 40;

    private final Set<String> fromEnv;

    ValueDescriber(Set<String> fromEnv) {
        this.fromEnv = fromEnv;
    }

    /** The dotted path of the value {@code parser} is on, e.g. {@code tiers.mid[1]}. */
    static String pathOf(JsonParser parser) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext ctx = parser.getParsingContext(); ctx != null; ctx = ctx.getParent()) {
            if (ctx.inObject() && ctx.getCurrentName() != null) {
                parts.push("." + ctx.getCurrentName());
            } else if (ctx.inArray() && ctx.hasCurrentIndex()) {
                parts.push("[" + ctx.getCurrentIndex() + "]");
            }
        }
        return join(parts);
    }

    /** The dotted path a binding exception points at. */
    static String pathOf(List<JsonMappingException.Reference> references) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonMappingException.Reference ref : references) {
            parts.add(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
        }
        return join(parts);
    }

    private static String join(Deque<String> parts) {
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    /** "an integer", "a number", "a string", "a mapping", "a list", ... */
    static String expected(JavaType type) {
        if (type.isMapLikeType() || type.isRecordType()) {
            return "a mapping";
        }
        if (type.isCollectionLikeType() || type.isArrayType()) {
            return "a list";
        }
        return expected(type.getRawClass());
    }

    static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == BigInteger.class) {
            return "an integer";
        }
        if (type == BigDecimal.class || type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "a " + type.getSimpleName();
    }

    /** The value the parser is on, as an operator would recognise it. */
    String found(JsonParser parser, String path) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "a mapping";
            case START_ARRAY -> "a list";
            case VALUE_NULL -> "null";
            case VALUE_STRING -> quote(parser.getText(), path);
            default -> parser.getText();
        };
    }

    /** A tree value, as an operator would recognise it. */
    String found(JsonNode node, String path) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return quote(node.textValue(), path);
        }
        return node.asText();
    }

    /** A string found where something else was expected, quoted and shortened. */
    String quote(String text, String path) {
        if (fromEnv.contains(path)) {
            return "a value from the environment";
        }
        String shown = text.length() > MAX_ECHO ? text.substring(0, MAX_ECHO) + "..." : text;
        return "\"" + shown + "\"";
    }
}

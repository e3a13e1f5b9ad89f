package dev.loopgate.gateway.config.internal;

import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Binds an interpolated YAML tree to {@link RawGatewayConfig}. Most problems are
 * recorded by {@link ProblemRecordingHandler} as binding goes on; the few that Jackson
 * throws instead (a fraction where an integer belongs, a number out of range) are
 * recorded too, the offending value is replaced by null, and binding starts again.
 */
final class RawConfigBinder {
    private static final int MAX_ATTEMPTS = 100;

    private final ObjectReader reader;
    private final Problems problems;
    private final ValueDescriber describer;

    RawConfigBinder(ObjectMapper mapper, Set<String> fromEnv, Problems problems) {
        this.describer = new ValueDescriber(fromEnv);
        this.problems = problems;
        this.reader = mapper.readerFor(RawGatewayConfig.class)
                .withHandler(new ProblemRecordingHandler(problems, describer));
    }

    /** The bound configuration, or null when the tree could not be bound at all. */
    RawGatewayConfig bind(ObjectNode tree) {
        Set<String> nulledOut = new HashSet<>();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                return reader.readValue(tree);
            } catch (JsonMappingException e) {
                List<JsonMappingException.Reference> references = e.getPath();
                String path = ValueDescriber.pathOf(references);
                JsonNode found = find(tree, references);
                problems.add(path, describe(e, found, path));
                if (references.isEmpty() || !nulledOut.add(path) || !nullOut(tree, references)) {
                    return null;
                }
            } catch (IOException e) {
                problems.add("", firstLine(e.getMessage()));
                return null;
            }
        }
        return null;
    }

    private String describe(JsonMappingException e, JsonNode found, String path) {
        if (e.getCause() instanceof InputCoercionException outOfRange && outOfRange.getTargetType() != null) {
            return "expected " + ValueDescriber.expected(outOfRange.getTargetType()) + ", got "
                    + describer.found(found, path) + " (out of range)";
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return "expected " + ValueDescriber.expected(mismatch.getTargetType()) + ", got "
                    + describer.found(found, path);
        }
        return firstLine(e.getOriginalMessage());
    }

    private static JsonNode find(JsonNode tree, List<JsonMappingException.Reference> references) {
        JsonNode node = tree;
        for (JsonMappingException.Reference ref : references) {
            if (node == null) {
                return null;
            }
            node = ref.getFieldName() != null ? node.get(ref.getFieldName()) : node.get(ref.getIndex());
        }
        return node;
    }

    private static boolean nullOut(JsonNode tree, List<JsonMappingException.Reference> references) {
        JsonNode parent = find(tree, references.subList(0, references.size() - 1));
        JsonMappingException.Reference last = references.get(references.size() - 1);
        if (parent instanceof ObjectNode object && last.getFieldName() != null && object.has(last.getFieldName())) {
            object.set(last.getFieldName(), NullNode.getInstance());
            return true;
        }
        if (parent instanceof ArrayNode array && last.getFieldName() == null
                && last.getIndex() >= 0 && last.getIndex() < array.size()) {
            array.set(last.getIndex(), NullNode.getInstance());
            return true;
        }
        return false;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "cannot be read";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

package dev.loopgate.rules.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.loopgate.rules.RulesException;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a rule document written as YAML or JSON (JSON is YAML too): either a bare list of rules
 * or an object {@code {rules: [...]}}. Syntax errors become {@link RulesException} problems.
 */
public final class RulesText {
    /** {@code no}, {@code on}, {@code yes} stay words: only {@code true} and {@code false} are booleans. */
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private RulesText() {
    }

    /** The rules array (null when the document holds none). */
    public static JsonNode rules(String text) {
        JsonNode root = read(text);
        if (root == null || root.isNull() || root.isMissingNode() || root.isArray()) {
            return root;
        }
        if (!root.isObject()) {
            throw new RulesException(List.of("rules: expected a list of rules or { rules: [...] }, got " + Problems.shown(root)));
        }
        Problems problems = new Problems();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("rules")) {
                problems.add(name, "unknown top-level field '" + name + "' (a rules document is a list of rules or { rules: [...] })");
            }
        }
        if (!root.has("rules")) {
            problems.add("rules", "missing (a rules document is a list of rules or { rules: [...] })");
        }
        problems.throwIfAny();
        return root.get("rules");
    }

    private static JsonNode read(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return YAML.readTree(text);
        } catch (JsonProcessingException yamlError) {
            String trimmed = text.strip();
            if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
                try {
                    return JSON.readTree(text); // JSON that YAML 1.1 refuses (e.g. tabs)
                } catch (JsonProcessingException jsonError) {
                    throw syntax(jsonError);
                }
            }
            throw syntax(yamlError);
        }
    }

    private static RulesException syntax(JsonProcessingException e) {
        String where;
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            where = " at line " + (yaml.getProblemMark().getLine() + 1) + ", column " + (yaml.getProblemMark().getColumn() + 1);
        } else {
            JsonLocation at = e.getLocation();
            where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        }
        // The parser's own lines, without its source excerpts and location lines (those start with blanks).
        String message = e.getOriginalMessage().lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(Collectors.joining("; "));
        if (message.contains("'>'") || message.contains("block scalar")) {
            message += " (quote comparisons that start with '>': step: \">=5\")";
        }
        return new RulesException(List.of("rules: not valid YAML or JSON" + where + ": " + message));
    }
}

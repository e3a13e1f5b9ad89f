package dev.loopgate.gateway.config.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.loopgate.gateway.config.ConfigException;
import dev.loopgate.gateway.config.GatewayConfig;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The whole road from YAML text to a {@link GatewayConfig}: parse the text, interpolate
 * {@code ${VAR}}, bind to {@link RawGatewayConfig}, validate. Problems from every step
 * that can still run are collected and thrown together.
 */
public final class ConfigReader {
    // Duplicate keys are syntax errors; floats stay exact (prices) and keep their scale;
    // 80.5 or "" where an integer or a number belongs is a problem, not a silent 80 or null.
    // yes/no/on/off stay text (YAML 1.1 would make them booleans): a rule's "message: no" is words.
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .build();

    private ConfigReader() {
    }

    /**
     * Reads one configuration.
     *
     * @param env where {@code ${VAR}} references are looked up
     * @throws ConfigException listing every problem found, each prefixed by its path
     */
    public static GatewayConfig read(String yaml, Map<String, String> env) {
        Problems problems = new Problems();
        ObjectNode tree = parseTree(yaml, problems);
        problems.throwIfAny();
        Set<String> fromEnv = EnvInterpolator.interpolate(tree, env, problems);
        RawGatewayConfig raw = new RawConfigBinder(MAPPER, fromEnv, problems).bind(tree);
        GatewayConfig config = raw == null ? null : new ConfigValidator(problems).validate(raw);
        problems.throwIfAny();
        return config;
    }

    private static ObjectNode parseTree(String yaml, Problems problems) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(yaml);
        } catch (JsonProcessingException e) {
            problems.add(where(e), syntaxProblem(e));
            return null;
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            problems.add("", "the configuration is empty");
            return null;
        }
        if (!tree.isObject()) {
            problems.add("", "expected a mapping of sections (server, providers, models, ...), got "
                    + (tree.isArray() ? "a list" : "a single value"));
            return null;
        }
        return (ObjectNode) tree;
    }

    private static String where(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            return "line " + (marked.getProblemMark().getLine() + 1)
                    + ", column " + (marked.getProblemMark().getColumn() + 1);
        }
        JsonLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            return "line " + location.getLineNr() + ", column " + location.getColumnNr();
        }
        return "";
    }

    private static String syntaxProblem(JsonProcessingException e) {
        String message = e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null
                ? marked.getProblem()
                : e.getOriginalMessage();
        int newline = message.indexOf('\n');
        message = newline < 0 ? message : message.substring(0, newline);
        if (message.startsWith("Duplicate field")) {
            int end = message.indexOf('\'', message.indexOf('\'') + 1);
            message = "duplicate field" + message.substring("Duplicate field".length(), end + 1);
        }
        return "invalid YAML: " + message;
    }
}

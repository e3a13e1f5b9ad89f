package dev.loopgate.rules;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Shared tiers and short ways to write rules and call facts in tests. */
final class Fixtures {
    static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .build();

    /** frontier [big], mid [small, big], light [tiny, small]; auto means mid. */
    static final TierTable TIERS = tiers();

    private Fixtures() {
    }

    private static TierTable tiers() {
        Map<String, List<String>> tiers = new LinkedHashMap<>();
        tiers.put("frontier", List.of("big"));
        tiers.put("mid", List.of("small", "big"));
        tiers.put("light", List.of("tiny", "small"));
        return new TierTable(tiers, "mid", Set.of("big", "small", "tiny"));
    }

    static RuleSet rules(String yaml) {
        return RuleSet.parse(yaml, TIERS);
    }

    static List<String> problems(String yaml) {
        return assertThrows(RulesException.class, () -> rules(yaml)).problems();
    }

    /** Call facts from a YAML flow map such as {@code {role: checker, step: 3}}; loop_id and model default to loop-1 and auto. */
    static CallFacts facts(String yaml) {
        ObjectNode node = (ObjectNode) json(yaml);
        if (!node.has("loop_id")) {
            node.put("loop_id", "loop-1");
        }
        if (!node.has("model")) {
            node.put("model", "auto");
        }
        return CallFacts.fromJson(node);
    }

    static JsonNode json(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static RouteDecision route(Decision decision) {
        if (decision instanceof RouteDecision route) {
            return route;
        }
        throw new AssertionError("expected a route, got " + decision);
    }
}

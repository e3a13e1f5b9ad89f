package dev.loopgate.rules;

import static dev.loopgate.rules.Fixtures.TIERS;
import static dev.loopgate.rules.Fixtures.facts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Rule documents in YAML and JSON, bare or wrapped, and the normalized document a rule set gives back. */
class ParseTest {
    private static final List<CallFacts> CALLS = List.of(
            facts("{}"), facts("{role: checker}"), facts("{role: checker, step: 7}"), facts("{step: 9}"),
            facts("{model: big}"), facts("{repeat_count: 4, budget_used: 0.5}"), facts("{model: unknown}"));

    static Stream<String> sameRulesFourWays() {
        return Stream.of(
                """
                # bare YAML list
                - id: checker-frontier
                  when: { role: checker }
                  route: frontier
                - id: late-light
                  when: { step: ">=5" }
                  route: { tier: light, max_tokens_cap: 500 }
                """,
                """
                rules:
                  - { id: checker-frontier, when: { role: checker }, route: frontier }
                  - { id: late-light, when: { step: ">=5" }, route: { tier: light, max_tokens_cap: 500 } }
                """,
                """
                [
                	{"id": "checker-frontier", "when": {"role": "checker"}, "route": "frontier"},
                	{"id": "late-light", "when": {"step": ">=5"}, "route": {"tier": "light", "max_tokens_cap": 500}}
                ]
                """,
                """
                {"rules": [{"id": "checker-frontier", "when": {"role": "checker"}, "route": "frontier"},
                           {"id": "late-light", "when": {"step": ">=5"}, "route": {"tier": "light", "max_tokens_cap": 500}}]}
                """);
    }

    @ParameterizedTest
    @MethodSource("sameRulesFourWays")
    void yamlAndJsonBareOrWrappedReadTheSame(String text) {
        RuleSet rules = RuleSet.parse(text, TIERS);
        assertEquals(List.of("checker-frontier", "late-light"), rules.ruleIds());
        assertEquals(2, rules.size());
        assertEquals("checker-frontier", rules.decide(facts("{role: checker, step: 7}")).rule());
        assertEquals(new RouteDecision("light", "late-light", List.of("tiny", "small"), 500), rules.decide(facts("{step: 7}")));
        assertEquals(Fixtures.json("""
                [{id: checker-frontier, when: {role: checker}, route: frontier},
                 {id: late-light, when: {step: ">=5"}, route: {tier: light, max_tokens_cap: 500}}]"""), rules.document());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n", "# only a comment\n", "[]", "rules: []", "rules:", "{\"rules\": null}"})
    void anEmptyDocumentHasNoRulesSoTheRequestedModelDecides(String text) {
        RuleSet rules = RuleSet.parse(text, TIERS);
        assertEquals(0, rules.size());
        assertEquals(new RouteDecision("mid", RequestedModelRouter.RULE_AUTO, List.of("small", "big")), rules.decide(facts("{}")));
        assertEquals(0, rules.document().size());
    }

    @Test
    void compileTakesNullOrAJsonArray() {
        assertEquals(0, RuleSet.compile(null, TIERS).size());
        assertEquals(1, RuleSet.compile(Fixtures.json("[{id: a, route: mid}]"), TIERS).size());
    }

    @Test
    void theDocumentRoundTripsToRulesThatDecideTheSame() {
        RuleSet original = DefaultRules.compile(TIERS);
        RuleSet again = RuleSet.compile(original.document(), TIERS);
        assertEquals(original.ruleIds(), again.ruleIds());
        for (CallFacts call : CALLS) {
            assertEquals(original.decide(call), again.decide(call), call.toString());
        }
        RuleSet fromText = RuleSet.parse(original.document().toPrettyString(), TIERS);
        assertEquals(original.document(), fromText.document());
    }

    @Test
    void theDocumentIsACopyThatCannotChangeTheRules() {
        ArrayNode given = (ArrayNode) Fixtures.json("[{id: a, route: mid}]");
        RuleSet rules = RuleSet.compile(given, TIERS);
        given.removeAll();
        ArrayNode shown = rules.document();
        ((ObjectNode) shown.get(0)).put("id", "changed");
        assertEquals("a", rules.document().get(0).get("id").asText());
        assertNotSame(rules.document(), rules.document());
    }

    @Test
    void yamlWordsLikeNoAndOnStayText() {
        RuleSet rules = RuleSet.parse("- {id: off, when: {role: on}, reject: {message: no}}", TIERS);
        assertEquals(new RejectDecision("off", "no"), rules.decide(facts("{role: on}")));
    }
}

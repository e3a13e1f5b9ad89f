package dev.loopgate.rules;

import static dev.loopgate.rules.Fixtures.TIERS;
import static dev.loopgate.rules.Fixtures.facts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The default rule pack compiles against frontier/mid/light and routes as its comments promise. */
class DefaultRulesTest {
    private static final RuleSet PACK = DefaultRules.compile(TIERS);

    @Test
    void thePackCompilesWithItsRulesInOrder() {
        assertEquals(List.of("repeat-escalates", "nearly-broke-deescalates", "verify-on-frontier",
                "first-plan-on-frontier", "small-chores-light", "auto-on-mid"), PACK.ruleIds());
    }

    @Test
    void everyRuleHasACommentSayingWhy() {
        List<String> lines = DefaultRules.yaml().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith("- id:")) {
                assertTrue(lines.get(i - 1).strip().startsWith("#"), "no comment above " + lines.get(i));
            }
        }
    }

    @ParameterizedTest(name = "{0} -> {1} by {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "-", textBlock = """
            {role: checker}                                      | frontier | 0    | verify-on-frontier
            {role: reviewer, budget_used: 0.95}                  | mid      | 0    | verify-on-frontier
            {role: planner, step: 1}                             | frontier | 0    | first-plan-on-frontier
            {role: planner, step: 6}                             | mid      | 0    | auto-on-mid
            {role: planner}                                      | mid      | 0    | auto-on-mid
            {role: summarizer, prompt_tokens: 500}               | light    | 1000 | small-chores-light
            {role: classifier, prompt_tokens: 20}                | light    | 1000 | small-chores-light
            {role: summarizer, prompt_tokens: 20000}             | mid      | 0    | auto-on-mid
            {role: maker}                                        | mid      | 0    | auto-on-mid
            {role: maker, repeat_count: 2}                       | frontier | 0    | auto-on-mid
            {role: maker, budget_used: 0.9}                      | light    | 0    | auto-on-mid
            {role: maker, repeat_count: 3, budget_used: 0.95}    | mid      | 0    | auto-on-mid
            {role: summarizer, prompt_tokens: 10, repeat_count: 2} | mid    | 1000 | small-chores-light
            {model: light, role: checker}                        | light    | 0    | model:tier
            {model: mid, repeat_count: 2}                        | frontier | 0    | model:tier
            """)
    void autoCallsAreRoutedAsTheCommentsSay(String facts, String tier, int cap, String rule) {
        RouteDecision decision = Fixtures.route(PACK.decide(facts(facts)));
        assertEquals(tier, decision.tier());
        assertEquals(TIERS.chain(tier), decision.targets());
        assertEquals(cap, decision.maxTokensCap());
        assertEquals(rule, decision.rule());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {model: big, role: checker}                          | big
            {model: small, role: checker, repeat_count: 5}       | small
            {model: tiny, role: summarizer, budget_used: 0.99}   | tiny
            """)
    void anExplicitConcreteModelIsAlwaysRespected(String facts, String model) {
        assertEquals(new RouteDecision(null, RequestedModelRouter.RULE_MODEL, List.of(model)), PACK.decide(facts(facts)));
    }
}

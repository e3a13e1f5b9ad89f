package dev.loopgate.rules;

import static dev.loopgate.rules.Fixtures.facts;
import static dev.loopgate.rules.Fixtures.route;
import static dev.loopgate.rules.Fixtures.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every action, first-match order, the requested-model fallback, and how modifiers stack. */
class ActionsTest {
    private static List<String> targets(String commaSeparated) {
        return Arrays.asList(commaSeparated.split(","));
    }

    @ParameterizedTest(name = "route: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "-", textBlock = """
            frontier                              | frontier | big        | 0
            {tier: light}                         | light    | tiny,small | 0
            {tier: mid, max_tokens_cap: 500}      | mid      | small,big  | 500
            {model: big}                          | -        | big        | 0
            {model: small, max_tokens_cap: 300}   | -        | small      | 300
            """)
    void aDestinationRouteGoesToItsTierChainOrToItsModel(String route, String tier, String targets, int cap) {
        RuleSet rules = rules("[{id: r, route: " + route + "}]");
        assertEquals(new RouteDecision(tier, "r", targets(targets), cap), rules.decide(facts("{}")));
    }

    @Test
    void aRejectRuleRefusesTheCallWithItsMessage() {
        RuleSet rules = rules("[{id: no-images, when: {images: true}, reject: {message: Images are not allowed here.}}]");
        assertEquals(new RejectDecision("no-images", "Images are not allowed here."), rules.decide(facts("{images: true}")));
    }

    @ParameterizedTest(name = "model {0} -> {1} {2} by {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            auto      | mid      | small,big  | model:auto
            frontier  | frontier | big        | model:tier
            light     | light    | tiny,small | model:tier
            big       | -        | big        | model:explicit
            """)
    void withoutADecidingRuleTheRequestedModelDecides(String model, String tier, String targets, String rule) {
        RuleSet rules = rules("[{id: only-checkers, when: {role: checker}, route: frontier}]");
        assertEquals(new RouteDecision(tier, rule, targets(targets)), rules.decide(facts("{model: " + model + "}")));
    }

    @Test
    void anUnknownRequestedModelIsRejectedNamingTheValidOnes() {
        Decision decision = rules("[]").decide(facts("{model: gpt-x}"));
        assertEquals(new RejectDecision(RuleSet.RULE_UNKNOWN_MODEL,
                "The model 'gpt-x' does not exist here. Use one of: auto, frontier, light, mid, big, small, tiny."), decision);
    }

    @Test
    void aRuleMayRouteAnUnknownRequestedModelAsAnAlias() {
        RuleSet rules = rules("[{id: legacy-names, when: {model: gpt-4*}, route: mid}]");
        assertEquals("legacy-names", rules.decide(facts("{model: gpt-4o}")).rule());
    }

    @ParameterizedTest(name = "{1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {role: checker}            | first-checker
            {role: maker}              | fallback
            {role: maker, step: 9}     | late-steps
            {role: checker, step: 9}   | first-checker
            """)
    void theFirstMatchingDestinationRuleDecidesAndRulesBelowItDoNotApply(String facts, String rule) {
        RuleSet rules = rules("""
                - {id: first-checker, when: {role: checker}, route: frontier}
                - {id: late-steps, when: {step: ">=5"}, route: light}
                - {id: second-checker, when: {role: checker}, route: light}
                - {id: fallback, route: mid}
                """);
        assertEquals(rule, rules.decide(facts(facts)).rule());
    }

    @Test
    void aRejectRuleAboveADestinationWinsAndOneBelowItNeverApplies() {
        RuleSet rejectFirst = rules("[{id: stop, reject: {message: no}}, {id: go, route: mid}]");
        RuleSet routeFirst = rules("[{id: go, route: mid}, {id: stop, reject: {message: no}}]");
        assertEquals("stop", rejectFirst.decide(facts("{}")).rule());
        assertEquals("go", routeFirst.decide(facts("{}")).rule());
    }

    /**
     * Rows: the rules (a YAML flow list), the requested model, then the expected tier (or - for a
     * concrete model), first target, cap and deciding rule.
     */
    @ParameterizedTest(name = "{0} with model {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "-", textBlock = """
            [{id: up, route: {escalate: 1}}, {id: d, route: mid}]                                                   | auto  | frontier | big   | 0    | d
            [{id: down, route: {deescalate: 1}}, {id: d, route: mid}]                                               | auto  | light    | tiny  | 0    | d
            [{id: up, route: {escalate: 1}}, {id: down, route: {deescalate: 1}}, {id: d, route: mid}]               | auto  | mid      | small | 0    | d
            [{id: both, route: {escalate: 2, deescalate: 1}}, {id: d, route: light}]                                | auto  | mid      | small | 0    | d
            [{id: up, route: {escalate: 2}}, {id: up2, route: {escalate: 1}}, {id: d, route: light}]                | auto  | frontier | big   | 0    | d
            [{id: up, route: {escalate: 5}}, {id: d, route: mid}]                                                   | auto  | frontier | big   | 0    | d
            [{id: up, route: {escalate: 1}}, {id: d, route: frontier}]                                              | auto  | frontier | big   | 0    | d
            [{id: down, route: {deescalate: 5}}, {id: d, route: mid}]                                               | auto  | light    | tiny  | 0    | d
            [{id: down, route: {deescalate: 1}}, {id: d, route: light}]                                             | auto  | light    | tiny  | 0    | d
            [{id: up, route: {escalate: 1}}]                                                                        | auto  | frontier | big   | 0    | model:auto
            [{id: up, route: {escalate: 1}}]                                                                        | light | mid      | small | 0    | model:tier
            [{id: up, route: {escalate: 1}}]                                                                        | big   | -        | big   | 0    | model:explicit
            [{id: up, route: {escalate: 1}}, {id: d, route: {model: small}}]                                        | auto  | -        | small | 0    | d
            [{id: c1, route: {max_tokens_cap: 2000}}, {id: c2, route: {max_tokens_cap: 1000}}, {id: d, route: mid}]  | auto  | mid      | small | 1000 | d
            [{id: c1, route: {max_tokens_cap: 2000}}, {id: d, route: {tier: mid, max_tokens_cap: 500}}]              | auto  | mid      | small | 500  | d
            [{id: c1, route: {max_tokens_cap: 300}}, {id: d, route: {tier: mid, max_tokens_cap: 500}}]               | auto  | mid      | small | 300  | d
            [{id: c1, route: {escalate: 1, max_tokens_cap: 300}}, {id: d, route: {tier: light, max_tokens_cap: 500}}] | auto  | mid      | small | 300  | d
            [{id: c1, route: {max_tokens_cap: 700}}]                                                                | big   | -        | big   | 700  | model:explicit
            [{id: d, route: mid}, {id: up, route: {escalate: 1}}, {id: cap, route: {max_tokens_cap: 10}}]            | auto  | mid      | small | 0    | d
            [{id: off, when: {role: checker}, route: {escalate: 1}}, {id: d, route: mid}]                           | auto  | mid      | small | 0    | d
            """)
    void modifiersAboveTheDecidingRuleShiftTheTierClampedAndTheSmallestCapWins(
            String rules, String model, String tier, String first, int cap, String rule) {
        RouteDecision decision = route(rules(rules).decide(facts("{model: " + model + "}")));
        assertEquals(tier, decision.tier());
        assertEquals(first, decision.targets().get(0));
        assertEquals(cap, decision.maxTokensCap());
        assertEquals(rule, decision.rule());
    }

    @Test
    void theShiftedDecisionCarriesTheWholeChainOfTheFinalTier() {
        RuleSet rules = rules("[{id: down, route: {deescalate: 1}}, {id: d, route: frontier}]");
        assertEquals(new RouteDecision("mid", "d", List.of("small", "big")), rules.decide(facts("{}")));
    }

    @Test
    void modifiersDoNotChangeAReject() {
        RuleSet rules = rules("""
                - {id: up, route: {escalate: 1, max_tokens_cap: 10}}
                - {id: stop, reject: {message: no}}
                """);
        assertEquals(new RejectDecision("stop", "no"), rules.decide(facts("{}")));
        assertEquals(RuleSet.RULE_UNKNOWN_MODEL, rules("[{id: up, route: {escalate: 1}}]").decide(facts("{model: nope}")).rule());
    }

    @Test
    void theCommonCaseReturnsOneSharedDecisionInstance() {
        RuleSet rules = rules("""
                - {id: up, when: {repeat_count: ">=2"}, route: {escalate: 1}}
                - {id: d, route: mid}
                """);
        assertSame(rules.decide(facts("{}")), rules.decide(facts("{role: other}")));
        assertSame(rules.decide(facts("{repeat_count: 2}")), rules.decide(facts("{repeat_count: 3}")));
        assertSame(rules.decide(facts("{model: big}")), rules.decide(facts("{model: big, role: x}")));
    }
}

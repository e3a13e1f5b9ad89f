package dev.loopgate.rules;

import static dev.loopgate.rules.Fixtures.facts;
import static dev.loopgate.rules.Fixtures.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Explain traces: every rule with why it failed or matched, whether its action took effect, and the modifiers. */
class ExplainTest {
    private static final RuleSet DESIGN_RULES = rules("""
            - { id: cheap-cap,        when: { role: "summar*" },          route: { max_tokens_cap: 2000 } }
            - { id: retry-escalates,  when: { repeat_count: ">=2" },      route: { escalate: 1 } }
            - { id: checker-frontier, when: { role: checker },            route: frontier }
            - { id: nearly-broke,     when: { budget_used: ">=0.8" },     route: light }
            - { id: default, route: mid }
            """);

    @Test
    void aTraceNamesTheFailedConditionOfEveryRuleAndTheModifiersApplied() {
        Explanation e = DESIGN_RULES.explain(facts("{role: maker, repeat_count: 2, budget_used: 0.42}"));
        assertEquals(List.of(
                new RuleTrace("cheap-cap", false, "role: 'maker' does not match 'summar*'", "max_tokens_cap 2000 (not matched)"),
                new RuleTrace("retry-escalates", true, "matched", "escalate 1 (applied)"),
                new RuleTrace("checker-frontier", false, "role: 'maker' is not 'checker'", "route frontier (not matched)"),
                new RuleTrace("nearly-broke", false, "budget_used: 0.42 is not >= 0.8", "route light (not matched)"),
                new RuleTrace("default", true, "matched", "route mid (decided)")), e.rules());
        assertEquals(List.of("escalate 1 (retry-escalates)", "net escalate 1: mid -> frontier"), e.modifiers());
        assertEquals(new RouteDecision("frontier", "default", List.of("big")), e.decision());
    }

    @Test
    void rulesAfterTheDecidingOneAreTracedAndMarkedNotApplied() {
        Explanation e = DESIGN_RULES.explain(facts("{role: checker, budget_used: 0.9}"));
        assertEquals(List.of(
                new RuleTrace("cheap-cap", false, "role: 'checker' does not match 'summar*'", "max_tokens_cap 2000 (not matched)"),
                new RuleTrace("retry-escalates", false, "repeat_count: 0 is not >= 2", "escalate 1 (not matched)"),
                new RuleTrace("checker-frontier", true, "matched", "route frontier (decided)"),
                new RuleTrace("nearly-broke", true, "matched", "route light (after the deciding rule: not applied)"),
                new RuleTrace("default", true, "matched", "route mid (after the deciding rule: not applied)")), e.rules());
        assertEquals(List.of(), e.modifiers());
        assertEquals(new RouteDecision("frontier", "checker-frontier", List.of("big")), e.decision());
    }

    @Test
    void theModifiersListShowsEachCapAndWhichOneWon() {
        RuleSet rules = rules("""
                - { id: cheap-cap, route: { max_tokens_cap: 2000 } }
                - { id: light-route, route: { tier: light, max_tokens_cap: 500 } }
                """);
        Explanation e = rules.explain(facts("{}"));
        assertEquals(List.of("max_tokens_cap 2000 (cheap-cap)", "max_tokens_cap 500: the smallest of 2000 (cheap-cap), 500 (light-route)"),
                e.modifiers());
        assertEquals(new RouteDecision("light", "light-route", List.of("tiny", "small"), 500), e.decision());
    }

    @Test
    void clampingIsExplained() {
        RuleSet rules = rules("[{id: up, route: {escalate: 3}}, {id: down, route: {deescalate: 1}}, {id: d, route: mid}]");
        assertEquals(List.of("escalate 3 (up)", "deescalate 1 (down)", "net escalate 2: mid -> frontier (clamped at the first tier)"),
                rules.explain(facts("{}")).modifiers());
        RuleSet down = rules("[{id: down, route: {deescalate: 2}}]");
        assertEquals(List.of("deescalate 2 (down)", "net deescalate 2: mid -> light (clamped at the last tier)"),
                down.explain(facts("{}")).modifiers());
    }

    @Test
    void shiftsOnAConcreteModelAreSaidToBeIgnoredWhileItsCapApplies() {
        RuleSet rules = rules("[{id: up, route: {escalate: 1}}, {id: cap, route: {max_tokens_cap: 700}}]");
        Explanation e = rules.explain(facts("{model: big}"));
        assertEquals(List.of("escalate 1 (up): ignored, the destination is the concrete model 'big'", "max_tokens_cap 700 (cap)"),
                e.modifiers());
        assertEquals(List.of("escalate 1 (ignored for the concrete model 'big')", "max_tokens_cap 700 (applied)"),
                e.rules().stream().map(RuleTrace::action).toList());
        assertEquals(new RouteDecision(null, RequestedModelRouter.RULE_MODEL, List.of("big"), 700), e.decision());
        RuleSet both = rules("[{id: up-and-cap, route: {escalate: 1, max_tokens_cap: 700}}]");
        assertEquals("escalate 1, max_tokens_cap 700 (cap applied, shift ignored for the concrete model 'big')",
                both.explain(facts("{model: big}")).rules().get(0).action());
    }

    @Test
    void modifiersBeforeARejectAreSaidToBeIgnored() {
        RuleSet rules = rules("[{id: up, route: {escalate: 1}}, {id: stop, reject: {message: no}}]");
        Explanation e = rules.explain(facts("{}"));
        assertEquals(List.of("escalate 1 (up): ignored, the call is rejected"), e.modifiers());
        assertEquals(List.of(
                new RuleTrace("up", true, "matched", "escalate 1 (not applied: the call is rejected)"),
                new RuleTrace("stop", true, "matched", "reject (decided)")), e.rules());
        assertEquals(new RejectDecision("stop", "no"), e.decision());
    }

    @Test
    void absentFactsAndCombinatorsExplainThemselves() {
        RuleSet rules = rules("""
                - { id: late, when: { step: ">=5" }, route: light }
                - { id: capped, when: { max_tokens: "<=100" }, route: light }
                - { id: either, when: { any: [ { role: checker }, { step: "2..4" } ] }, route: light }
                - { id: unless, when: { not: { role: maker } }, route: light }
                - { id: night, when: { hour: "22..6" }, route: light }
                - { id: team, when: { header: { X-Team: infra } }, route: light }
                - { id: tools, when: { tools: true }, route: light }
                """);
        List<RuleTrace> traces = rules.explain(facts("{role: maker, hour: 12}")).rules();
        assertEquals(List.of(
                "step: not sent, so >= 5 cannot hold",
                "max_tokens: not set, so <= 100 cannot hold",
                "any: none matched (role: 'maker' is not 'checker'; step: not sent, so in 2..4 cannot hold)",
                "not: role 'maker' holds",
                "hour: 12 is not in 22..6",
                "header.X-Team: not sent",
                "tools: false is not true"), traces.stream().map(RuleTrace::detail).toList());
    }

    @Test
    void theFirstFailingKeyInTheOrderWrittenIsShownThoughCheapTestsRunFirst() {
        RuleSet rules = rules("[{id: r, when: {role: checker, loop: \"build-*\", tools: true}, route: light}]");
        assertEquals("role: 'maker' is not 'checker'", rules.explain(facts("{role: maker}")).rules().get(0).detail());
        assertEquals("loop: 'loop-1' does not match 'build-*'",
                rules.explain(facts("{role: checker}")).rules().get(0).detail());
        assertEquals("tools: false is not true", rules.explain(facts("{role: checker, loop_id: build-1}")).rules().get(0).detail());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{}", "{role: checker}", "{role: summarizer, repeat_count: 3}", "{budget_used: 0.95, repeat_count: 2}",
        "{model: big, repeat_count: 5}", "{model: light, role: summarizer}", "{model: nope}"})
    void explainReachesTheSameDecisionAsDecide(String facts) {
        CallFacts call = facts(facts);
        assertEquals(DESIGN_RULES.decide(call), DESIGN_RULES.explain(call).decision());
        RuleSet noDefault = rules("[{id: up, when: {repeat_count: \">=2\"}, route: {escalate: 1}}]");
        assertEquals(noDefault.decide(call), noDefault.explain(call).decision());
    }
}

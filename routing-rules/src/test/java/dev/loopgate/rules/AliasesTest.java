package dev.loopgate.rules;

import static dev.loopgate.rules.Fixtures.facts;
import static dev.loopgate.rules.Fixtures.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Aliases let a client ask for names the gateway does not configure (a coding agent's
 * concrete model names): the first matching glob stands for auto, a tier or a model when no
 * rule decides, while rules still see the name the client asked for.
 */
class AliasesTest {
    private static final TierTable TIERS = tiers();

    private static TierTable tiers() {
        Map<String, List<String>> tiers = new LinkedHashMap<>();
        tiers.put("frontier", List.of("big"));
        tiers.put("mid", List.of("small", "big"));
        tiers.put("light", List.of("tiny", "small"));
        Map<String, String> aliases = new LinkedHashMap<>();
        aliases.put("claude-opus-*", "frontier");
        aliases.put("claude-haiku-*", "light");
        aliases.put("claude-*", "mid");
        aliases.put("gpt-4o-mini", "tiny");
        return new TierTable(tiers, "mid", Set.of("big", "small", "tiny"), aliases);
    }

    @Test
    void theFirstMatchingAliasStandsForItsTierOrModel() {
        RuleSet none = RuleSet.parse("[]", TIERS);
        RouteDecision opus = route(none.decide(facts("{model: claude-opus-4-5-20251101}")));
        assertEquals("frontier", opus.tier());
        assertEquals(List.of("big"), opus.targets());
        assertEquals(RequestedModelRouter.RULE_ALIAS, opus.rule());
        assertEquals("light", route(none.decide(facts("{model: claude-haiku-4-5}"))).tier());
        assertEquals("mid", route(none.decide(facts("{model: claude-sonnet-4-5-20250929}"))).tier());
        RouteDecision mini = route(none.decide(facts("{model: gpt-4o-mini}")));
        assertEquals(List.of("tiny"), mini.targets());
    }

    @Test
    void rulesSeeTheNameTheClientAskedFor() {
        RuleSet rules = RuleSet.parse("""
                - { id: opus-to-mid, when: { model: "claude-opus-*" }, route: { tier: mid } }
                """, TIERS);
        RouteDecision decided = route(rules.decide(facts("{model: claude-opus-4-5}")));
        assertEquals("mid", decided.tier());
        assertEquals("opus-to-mid", decided.rule());
    }

    @Test
    void aNameNoAliasMatchesIsStillUnknownAndTheErrorListsTheAliases() {
        RejectDecision unknown = assertInstanceOf(RejectDecision.class,
                RuleSet.parse("[]", TIERS).decide(facts("{model: gemini-3}")));
        assertTrue(unknown.message().contains("claude-opus-*"), unknown.message());
    }

    @Test
    void anAliasMustStandForAutoATierOrAModel() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new TierTable(
                Map.of("mid", List.of("small")), "mid", Set.of("small"), Map.of("claude-*", "sonnet")));
        assertTrue(refused.getMessage().contains("'sonnet'"), refused.getMessage());
    }
}

package dev.loopgate.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** A gateway decides once per cell of the loop's facts: within a cell the decision must never change. */
class LoopFactCutsTest {
    private static final RuleSet RULES = Fixtures.rules("""
            - { id: at-limit,   when: { budget_used: ">=0.9" }, route: light }
            - { id: above-half, when: { all: [ { budget_used: ">0.5" }, { role: maker } ] }, route: { deescalate: 1 } }
            - { id: exactly,    when: { budget_used: "==0.25" }, route: frontier }
            - { id: band,       when: { not: { budget_used: "0.1..0.2" } }, route: { max_tokens_cap: 500 } }
            - { id: repeats,    when: { any: [ { repeat_count: ">2" }, { repeat_count: "<=0" } ] }, route: { escalate: 1 } }
            - { id: once,       when: { repeat_count: "==1" }, route: frontier }
            - { id: rest, route: mid }
            """);

    @Test
    void everyComparisonOverALoopFactCutsWhereItsTruthChanges() {
        LoopFactCuts cuts = RULES.loopFactCuts();
        assertArrayEquals(new double[] {0.1, Math.nextUp(0.2), 0.25, Math.nextUp(0.25), Math.nextUp(0.5), 0.9},
                cuts.budgetUsed());
        assertArrayEquals(new long[] {1, 2, 3}, cuts.repeatCount(), "<=0 and >2 cut at 1 and 3, ==1 at 1 and 2");
        assertEquals(7 * 4, cuts.cells());
    }

    @Test
    void rulesThatReadNoLoopFactMakeOneCell() {
        assertEquals(1, Fixtures.rules("- { id: r, when: { step: \">=2\" }, route: light }").loopFactCuts().cells());
        assertEquals(1, Fixtures.rules("- { id: r, when: { budget_used: \">=0\" }, route: light }").loopFactCuts().cells(),
                "a comparison that always holds cuts nothing");
    }

    @Test
    void theDecisionAtACellsSmallestFactsIsTheDecisionAnywhereInIt() {
        LoopFactCuts cuts = RULES.loopFactCuts();
        double[] budget = cuts.budgetUsed();
        long[] repeats = cuts.repeatCount();
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            double used = i % 4 == 0 ? budget[random.nextInt(budget.length)] : random.nextDouble() * 1.2;
            long count = random.nextInt(6);
            int b = 0;
            while (b < budget.length && used >= budget[b]) {
                b++;
            }
            int r = 0;
            while (r < repeats.length && count >= repeats[r]) {
                r++;
            }
            Decision anywhere = RULES.decide(facts(used, count));
            Decision atSmallest = RULES.decide(facts(b == 0 ? 0 : budget[b - 1], r == 0 ? 0 : repeats[r - 1]));
            assertEquals(atSmallest, anywhere, "budget_used " + used + ", repeat_count " + count);
        }
    }

    private static CallFacts facts(double budgetUsed, long repeatCount) {
        return CallFacts.builder("l", "auto").role("maker").budgetUsed(budgetUsed).repeatCount(repeatCount).build();
    }
}

package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetWarningsTest {
    private static final List<Double> HALF_AND_EIGHTY = List.of(0.5, 0.8);
    private static final long DOLLAR = 1_000_000_000L;

    @Test
    void aCallCrossesAFractionWhenItsSpendGoesFromBelowToAtOrAbove() {
        assertEquals(List.of(0.5), BudgetWarnings.crossed(HALF_AND_EIGHTY, DOLLAR, DOLLAR / 2, 1), "landing exactly on it");
        assertEquals(List.of(), BudgetWarnings.crossed(HALF_AND_EIGHTY, DOLLAR, DOLLAR / 2 + 1, 1), "already past it before");
        assertEquals(List.of(), BudgetWarnings.crossed(HALF_AND_EIGHTY, DOLLAR, DOLLAR / 2 - 1, 10), "not there yet");
    }

    @Test
    void oneBigCallCanCrossSeveralAndEveryConsecutiveRunOfCallsCrossesEachOnce() {
        assertEquals(HALF_AND_EIGHTY, BudgetWarnings.crossed(HALF_AND_EIGHTY, DOLLAR, DOLLAR, DOLLAR));
        int warnings = 0;
        long spent = 0;
        for (int call = 0; call < 300; call++) { // $0.007 calls, past the budget: 0.5 and 0.8 once each
            spent += 7_000_000;
            warnings += BudgetWarnings.crossed(HALF_AND_EIGHTY, DOLLAR, spent, 7_000_000).size();
        }
        assertEquals(2, warnings);
    }

    @Test
    void noBudgetOrNothingChargedWarnsOfNothing() {
        assertEquals(List.of(), BudgetWarnings.crossed(HALF_AND_EIGHTY, 0, DOLLAR, DOLLAR));
        assertEquals(List.of(), BudgetWarnings.crossed(HALF_AND_EIGHTY, DOLLAR, DOLLAR, 0));
        assertEquals(List.of(), BudgetWarnings.crossed(List.of(), DOLLAR, DOLLAR, DOLLAR));
    }
}

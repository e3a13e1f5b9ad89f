package dev.loopgate.budgets.ledger;

import dev.loopgate.budgets.ledger.internal.Checks;
import java.util.Objects;

/**
 * One loop as its history tells it, to write back a ledger Redis lost.
 *
 * @param total           everything it was charged
 * @param today           what it was charged in the current UTC day
 * @param thisMonth       what it was charged in the current UTC month
 * @param steps           the calls it made
 * @param firstCallMillis its first call, 0 = none
 * @param pausedBy        the trip or pause it was last left in, or null when it was active
 * @param override        the admin override of its limits, or null
 */
public record LoopHistory(String loopId, Spend total, Spend today, Spend thisMonth, long steps, long firstCallMillis,
        Trip pausedBy, BudgetLimits override) {

    /** Nano-dollars and tokens charged. */
    public record Spend(long nanos, long tokens) {
        public static final Spend NONE = new Spend(0, 0);

        public Spend {
            Checks.amount(nanos, "nanos");
            Checks.amount(tokens, "tokens");
        }
    }

    public LoopHistory {
        Checks.loopId(loopId);
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(today, "today");
        Objects.requireNonNull(thisMonth, "thisMonth");
        Checks.nonNegative(steps, "steps");
        Checks.nonNegative(firstCallMillis, "firstCallMillis");
    }
}

package dev.loopgate.budgets.ledger;

import dev.loopgate.budgets.ledger.internal.Checks;
import java.util.Objects;

/**
 * What one loop may use. {@link #UNLIMITED} (0) in any field means no limit on it.
 *
 * @param usdNanos        nano-dollars per {@code period}
 * @param tokens          tokens (prompt + completion) per {@code period}
 * @param steps           calls over the loop's life
 * @param wallClockMillis how long after its first call the loop may still make calls
 * @param period          what {@code usdNanos} and {@code tokens} count
 */
public record BudgetLimits(long usdNanos, long tokens, long steps, long wallClockMillis, Period period) {
    public static final long UNLIMITED = 0;
    /**
     * The largest amount, in nano-dollars or tokens, anywhere in the ledger: 2^53 (about
     * 9,007,199 USD). Redis scripts compute in Lua numbers, exact integers up to there.
     */
    public static final long MAX_AMOUNT = 1L << 53;
    /** No limit on anything. */
    public static final BudgetLimits NONE = new BudgetLimits(0, 0, 0, 0, Period.TOTAL);

    public BudgetLimits {
        Checks.amount(usdNanos, "usdNanos");
        Checks.amount(tokens, "tokens");
        Checks.nonNegative(steps, "steps");
        Checks.nonNegative(wallClockMillis, "wallClockMillis");
        Objects.requireNonNull(period, "period");
    }
}

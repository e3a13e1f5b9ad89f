package dev.loopgate.gateway.guard;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of {@code breakers.warn_at} a settle carried the loop's spend across. The ledger adds
 * each call's cost atomically and answers the spend after it, so the spend before is that less
 * the call's cost, and exactly one call crosses each fraction of a period's budget: each
 * warning is sent once, by whichever replica served that call, with no state of its own.
 */
public final class BudgetWarnings {
    private BudgetWarnings() {
    }

    /**
     * @param fractions  ascending, each between 0 and 1
     * @param capNanos   the loop's USD budget (0: none, nothing to warn of)
     * @param afterNanos the loop's spend in the period after this call
     * @param callNanos  what this call added
     */
    public static List<Double> crossed(List<Double> fractions, long capNanos, long afterNanos, long callNanos) {
        if (capNanos <= 0 || callNanos <= 0 || fractions.isEmpty()) {
            return List.of();
        }
        long before = afterNanos - callNanos;
        List<Double> crossed = new ArrayList<>(1);
        for (double fraction : fractions) {
            long threshold = BigDecimal.valueOf(fraction).multiply(BigDecimal.valueOf(capNanos))
                    .setScale(0, RoundingMode.CEILING).longValueExact();
            if (before < threshold && afterNanos >= threshold) {
                crossed.add(fraction);
            }
        }
        return crossed;
    }
}

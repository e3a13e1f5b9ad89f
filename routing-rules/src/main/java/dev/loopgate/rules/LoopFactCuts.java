package dev.loopgate.rules;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * Where a rule set's decisions can change with the loop's facts: every value of
 * {@code budget_used} and of {@code repeat_count} at which some comparison of a rule starts or
 * stops holding. Between two cuts every comparison over those facts holds or fails alike, so
 * the decision is the same for any facts there; a caller may decide once per cell, with the
 * cell's smallest facts, before it knows the loop's, and let its budget ledger pick the cell.
 *
 * @param budgetUsed  ascending, each above 0: a cell starts at each ({@code budget_used >= cut})
 * @param repeatCount ascending, each above 0: a cell starts at each ({@code repeat_count >= cut})
 */
public record LoopFactCuts(double[] budgetUsed, long[] repeatCount) {
    public static final LoopFactCuts NONE = new LoopFactCuts(new double[0], new long[0]);

    /** How many cells the cuts make. */
    public int cells() {
        return (budgetUsed.length + 1) * (repeatCount.length + 1);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LoopFactCuts that && Arrays.equals(budgetUsed, that.budgetUsed)
                && Arrays.equals(repeatCount, that.repeatCount);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(budgetUsed) * 31 + Arrays.hashCode(repeatCount);
    }

    @Override
    public String toString() {
        return "LoopFactCuts[budgetUsed=" + Arrays.toString(budgetUsed) + ", repeatCount="
                + Arrays.toString(repeatCount) + "]";
    }

    /** Gathers cuts from the comparisons of a rule set. */
    public static final class Collector {
        private final TreeSet<Double> budget = new TreeSet<>();
        private final TreeSet<Long> repeats = new TreeSet<>();

        /** A comparison holds from {@code value} up ({@code inclusive}) or from just above it. */
        public void budgetUsed(double value, boolean inclusive) {
            double cut = inclusive ? value : Math.nextUp(value);
            if (cut > 0 && !Double.isInfinite(cut)) {
                budget.add(cut);
            }
        }

        /** A comparison changes between {@code value - 1} and {@code value}. */
        public void repeatCount(long value) {
            if (value > 0) {
                repeats.add(value);
            }
        }

        public LoopFactCuts cuts() {
            return new LoopFactCuts(budget.stream().mapToDouble(Double::doubleValue).toArray(),
                    repeats.stream().mapToLong(Long::longValue).toArray());
        }
    }
}

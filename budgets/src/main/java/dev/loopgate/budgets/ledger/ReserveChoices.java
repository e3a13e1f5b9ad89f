package dev.loopgate.budgets.ledger;

import dev.loopgate.budgets.ledger.internal.Checks;
import java.util.Arrays;

/**
 * The worst cases a call may hold, one per cell of the loop's facts: when what a call is sent to
 * depends on how much of its budget is used or how often it was repeated (routing rules that
 * read those facts), the ledger picks the worst case for the facts it finds, in the same atomic
 * step that holds it. The caller needs no read before its reserve.
 *
 * <p>Cells cut the facts at ascending thresholds: {@code budgetCuts} over budget used
 * ((spent + reserved) / USD budget, 0 without one) and {@code repeatCuts} over the repeat count.
 * A fact falls in the cell after every cut it is at or above. Cell {@code b * (repeatCuts + 1) + r}
 * holds budget cell {@code b} and repeat cell {@code r}. A cell whose worst case is
 * {@link #DECLINED} holds nothing: the caller refuses such a call itself.
 *
 * <p>The arrays are the caller's, not copied (this is built for every call): not to be changed after.
 *
 * @param worstNanos  per cell, the most the call may cost there, or {@link #DECLINED}
 * @param worstTokens per cell, the most tokens it may use there (ignored where declined)
 */
public record ReserveChoices(double[] budgetCuts, long[] repeatCuts, long[] worstNanos, long[] worstTokens) {
    /** The worst case of a cell where the call is not sent at all. */
    public static final long DECLINED = -1;
    /** The most cells a reserve may carry. */
    public static final int MAX_CELLS = 64;

    public ReserveChoices {
        for (int i = 0; i < budgetCuts.length; i++) {
            if (!(budgetCuts[i] > 0) || Double.isInfinite(budgetCuts[i]) || i > 0 && budgetCuts[i] <= budgetCuts[i - 1]) {
                throw new IllegalArgumentException("budgetCuts must be positive, finite and ascending: "
                        + Arrays.toString(budgetCuts));
            }
        }
        for (int i = 0; i < repeatCuts.length; i++) {
            if (repeatCuts[i] <= 0 || i > 0 && repeatCuts[i] <= repeatCuts[i - 1]) {
                throw new IllegalArgumentException("repeatCuts must be positive and ascending: "
                        + Arrays.toString(repeatCuts));
            }
        }
        int cells = cells(budgetCuts.length, repeatCuts.length);
        if (cells > MAX_CELLS || worstNanos.length != cells || worstTokens.length != cells) {
            throw new IllegalArgumentException("need one worst case per cell (" + cells + ", at most " + MAX_CELLS
                    + "), got " + worstNanos.length + " and " + worstTokens.length);
        }
        boolean held = false;
        for (int i = 0; i < cells; i++) {
            if (worstNanos[i] != DECLINED) {
                Checks.amount(worstNanos[i], "worstNanos");
                Checks.amount(worstTokens[i], "worstTokens");
                held = true;
            }
        }
        if (!held) {
            throw new IllegalArgumentException("every cell is declined: refuse the call without reserving");
        }
    }

    /** One worst case whatever the loop's facts. */
    public static ReserveChoices single(long worstNanos, long worstTokens) {
        return new ReserveChoices(new double[0], new long[0], new long[] {worstNanos}, new long[] {worstTokens});
    }

    /** How many cells {@code budgetCuts} and {@code repeatCuts} cuts make. */
    public static int cells(int budgetCuts, int repeatCuts) {
        return (budgetCuts + 1) * (repeatCuts + 1);
    }

    public int cells() {
        return worstNanos.length;
    }

    /** The cell the facts fall in. */
    public int cellOf(double budgetUsed, long repeatCount) {
        int b = 0;
        while (b < budgetCuts.length && budgetUsed >= budgetCuts[b]) {
            b++;
        }
        int r = 0;
        while (r < repeatCuts.length && repeatCount >= repeatCuts[r]) {
            r++;
        }
        return b * (repeatCuts.length + 1) + r;
    }

    /** The smallest budget used that falls in {@code cell}. */
    public static double budgetUsedAt(double[] budgetCuts, long[] repeatCuts, int cell) {
        int b = cell / (repeatCuts.length + 1);
        return b == 0 ? 0 : budgetCuts[b - 1];
    }

    /** The smallest repeat count that falls in {@code cell}. */
    public static long repeatCountAt(double[] budgetCuts, long[] repeatCuts, int cell) {
        int r = cell % (repeatCuts.length + 1);
        return r == 0 ? 0 : repeatCuts[r - 1];
    }

    /** The largest worst case over the cells: what a key's daily cap holds, as it cannot see the loop's facts. */
    public long maxNanos() {
        return max(worstNanos);
    }

    public long maxTokens() {
        return max(worstTokens);
    }

    private static long max(long[] values) {
        long max = 0;
        for (long value : values) {
            max = Math.max(max, value);
        }
        return max;
    }

    public long nanos(int cell) {
        return worstNanos[cell];
    }

    public long tokens(int cell) {
        return worstTokens[cell];
    }

    public boolean declined(int cell) {
        return worstNanos[cell] == DECLINED;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReserveChoices that && Arrays.equals(budgetCuts, that.budgetCuts)
                && Arrays.equals(repeatCuts, that.repeatCuts) && Arrays.equals(worstNanos, that.worstNanos)
                && Arrays.equals(worstTokens, that.worstTokens);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(worstNanos) * 31 + Arrays.hashCode(budgetCuts);
    }

    @Override
    public String toString() {
        return "ReserveChoices[budgetCuts=" + Arrays.toString(budgetCuts) + ", repeatCuts=" + Arrays.toString(repeatCuts)
                + ", worstNanos=" + Arrays.toString(worstNanos) + ", worstTokens=" + Arrays.toString(worstTokens) + "]";
    }
}

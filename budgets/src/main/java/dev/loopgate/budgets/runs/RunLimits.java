package dev.loopgate.budgets.runs;

import dev.loopgate.budgets.ledger.internal.Checks;

/**
 * What one run of a loop may use before it is paused on its own. A run's caps count from its
 * start, or from the last time an admin resumed it; 0 in any field means no limit on it.
 *
 * @param usdNanos        nano-dollars
 * @param tokens          tokens (prompt + completion)
 * @param steps           calls
 * @param wallClockMillis how long after its (re)start the run may still make calls
 * @param idleMillis      no call for this long ends the run: its next call starts it afresh
 */
public record RunLimits(long usdNanos, long tokens, long steps, long wallClockMillis, long idleMillis) {
    /** No cap on anything, and runs never end by being idle. */
    public static final RunLimits NONE = new RunLimits(0, 0, 0, 0, 0);

    public RunLimits {
        Checks.amount(usdNanos, "usdNanos");
        Checks.amount(tokens, "tokens");
        Checks.nonNegative(steps, "steps");
        Checks.nonNegative(wallClockMillis, "wallClockMillis");
        Checks.nonNegative(idleMillis, "idleMillis");
    }
}

package dev.loopgate.budgets.ledger;

/**
 * Which spending a budget counts. {@code DAY} and {@code MONTH} count only the calls reserved
 * in the current UTC day ({@code yyyy-MM-dd}) or month ({@code yyyy-MM}); {@code TOTAL} counts
 * the loop's whole life. Steps, wall clock and the paused state always count the whole life.
 */
public enum Period {
    TOTAL,
    DAY,
    MONTH
}

package dev.loopgate.budgets.ledger;

/**
 * After a settle.
 *
 * @param spentNanos the loop's spend in its current period after this settle (whether or not
 *                   this settle charged anything)
 * @param trip       a breaker this settle tripped, or null (the caller tells a human)
 */
public record SettleResult(long spentNanos, Trip trip) {
}

package dev.loopgate.budgets.ledger;

/**
 * What routing needs to know about a loop before its call is priced: read by
 * {@link BudgetLedger#peek} without reserving anything or tripping any breaker.
 *
 * @param pausedBy    the trip that paused the loop, or null when it is active
 * @param budgetUsed  (spent + reserved) / USD budget, as {@link BudgetDecision.Allowed#budgetUsed()} would say now
 * @param repeatCount how often this same request was sent within the window, as a reserve now would say
 */
public record LoopFacts(Trip pausedBy, double budgetUsed, long repeatCount) {
}

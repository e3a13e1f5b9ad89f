package dev.loopgate.budgets.ledger;

/** Why a loop was paused. Every breaker but {@code MANUAL} trips by itself. */
public enum Breaker {
    /** The period's USD or token budget is spent. */
    HARD_BUDGET,
    /** More than the per-minute USD limit was settled within 60 seconds: a runaway. */
    SPEND_RATE,
    /** The same request was sent too often within the window: the loop is stuck. */
    NO_PROGRESS,
    /** The loop has made as many calls as it may. */
    STEP_CAP,
    /** The loop has run as long as it may since its first call. */
    WALL_CLOCK,
    /** Too many calls in a row failed upstream. */
    UPSTREAM_FAILURES,
    /** An admin paused it. */
    MANUAL
}

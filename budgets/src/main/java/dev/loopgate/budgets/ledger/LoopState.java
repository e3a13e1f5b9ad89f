package dev.loopgate.budgets.ledger;

/** A loop is active until a breaker trips or an admin pauses it; only an admin resumes it. */
public enum LoopState {
    ACTIVE,
    PAUSED
}

package dev.loopgate.budgets.ledger;

/** Why a reservation was refused. */
public enum RefusalReason {
    /** The call's worst case does not fit in what is left of the loop's budget; smaller calls may (402). */
    BUDGET_EXCEEDED,
    /** The call's worst case does not fit in what is left of its key's daily cap (402). */
    KEY_CAP_EXCEEDED,
    /** A breaker paused the loop, now or earlier; an admin must resume it (403). */
    LOOP_PAUSED
}

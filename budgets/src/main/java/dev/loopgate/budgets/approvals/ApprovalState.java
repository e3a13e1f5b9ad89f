package dev.loopgate.budgets.approvals;

/** Where a held answer stands. */
public enum ApprovalState {
    /** Waiting for a human. */
    PENDING,
    /** A human let the calls go; the held answer has not been handed out yet. */
    APPROVED,
    /** A human refused the calls. */
    REJECTED,
    /** Approved, and the held answer handed out (once). */
    DELIVERED
}

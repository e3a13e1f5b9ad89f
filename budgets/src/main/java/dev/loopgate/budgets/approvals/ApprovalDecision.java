package dev.loopgate.budgets.approvals;

/** What came of approving or rejecting. */
public sealed interface ApprovalDecision {
    /** This decision stands: the approval as decided. */
    record Decided(Approval approval) implements ApprovalDecision {
    }

    /** It was decided before: the approval with that earlier decision, unchanged. */
    record AlreadyDecided(Approval approval) implements ApprovalDecision {
    }

    /** No such approval (never held, or long forgotten). */
    record Unknown() implements ApprovalDecision {
    }
}

package dev.loopgate.budgets.ledger;

import java.util.Objects;

/** The outcome of {@link BudgetLedger#reserve}: the call may go ahead, or it is refused. */
public sealed interface BudgetDecision permits BudgetDecision.Allowed, BudgetDecision.Refused {

    /**
     * The worst case is held.
     *
     * @param budgetUsed  (spent + reserved) / USD budget before this call; 0 without a USD budget
     * @param repeatCount how often this same request was sent in the window before this call
     */
    record Allowed(Reservation reservation, double budgetUsed, long repeatCount) implements BudgetDecision {
        public Allowed {
            Objects.requireNonNull(reservation, "reservation");
        }
    }

    /**
     * Nothing is held.
     *
     * @param message what a client may be told
     * @param trip    the trip that paused the loop (now or earlier) for {@link RefusalReason#LOOP_PAUSED};
     *                null otherwise
     */
    record Refused(RefusalReason reason, String message, Trip trip) implements BudgetDecision {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}

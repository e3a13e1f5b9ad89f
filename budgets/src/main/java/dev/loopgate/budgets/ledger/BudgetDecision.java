package dev.loopgate.budgets.ledger;

import java.util.Objects;

/** The outcome of {@link BudgetLedger#reserve}: the call may go ahead, or it is refused. */
public sealed interface BudgetDecision permits BudgetDecision.Allowed, BudgetDecision.Refused,
        BudgetDecision.Declined {

    /**
     * The worst case is held.
     *
     * @param budgetUsed  (spent + reserved) / USD budget before this call; 0 without a USD budget
     * @param repeatCount how often this same request was sent in the window before this call
     * @param choice      the cell of {@link ReserveRequest#choices()} those facts fell in, whose worst case is held
     * @param pace        the loop's steps and time before this call, against its caps
     */
    record Allowed(Reservation reservation, double budgetUsed, long repeatCount, int choice, Pace pace)
            implements BudgetDecision {
        public Allowed {
            Objects.requireNonNull(reservation, "reservation");
            Objects.requireNonNull(pace, "pace");
        }
    }

    /**
     * How far along its step and wall-clock caps a loop was when a call was held (the limits in
     * effect: an admin override, else the configured ones), for warnings before those caps trip.
     *
     * @param stepsBefore        its steps before this call
     * @param stepCap            0 = none
     * @param firstCallMillis    its first call: the wall clock counts from here
     * @param previousCallMillis its latest call before this one, or 0 when this is its first
     * @param wallClockMillis    0 = none
     */
    public record Pace(long stepsBefore, long stepCap, long firstCallMillis, long previousCallMillis,
            long wallClockMillis) {
    }

    /**
     * The loop's facts fell in a {@link ReserveChoices#DECLINED declined} cell: nothing is held,
     * no step taken, and the caller refuses the call itself.
     */
    record Declined(int choice, double budgetUsed, long repeatCount) implements BudgetDecision {
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

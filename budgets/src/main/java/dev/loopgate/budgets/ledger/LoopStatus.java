package dev.loopgate.budgets.ledger;

import java.util.List;
import java.util.Objects;

/**
 * Where a loop stands. Money and tokens are those of its current period: the period of the
 * admin override if one is set, else the period its last reserve used.
 *
 * @param firstCallMillis     its first reserve while active; 0 = never
 * @param override            the admin override of the configured limits, or null
 * @param pausedBy            the trip that paused it, or null when active
 * @param history             newest first, at most 50
 * @param expiredReservations how many reservations were never settled and were charged in full when they expired
 * @param overruns            how many calls cost more than the worst case they reserved (each charged in full)
 */
public record LoopStatus(String loopId, LoopState state, long spentNanos, long reservedNanos, long tokens, long steps,
        long firstCallMillis, BudgetLimits override, Trip pausedBy, List<LoopEvent> history, long expiredReservations,
        long overruns) {
    public static final int HISTORY_SIZE = 50;

    public LoopStatus {
        Objects.requireNonNull(loopId, "loopId");
        Objects.requireNonNull(state, "state");
        history = List.copyOf(history);
    }

    /** A loop the ledger has never seen. */
    public static LoopStatus unknown(String loopId) {
        return new LoopStatus(loopId, LoopState.ACTIVE, 0, 0, 0, 0, 0, null, null, List.of(), 0, 0);
    }
}

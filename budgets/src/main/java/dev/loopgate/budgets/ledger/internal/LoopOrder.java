package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.LoopState;
import dev.loopgate.budgets.ledger.LoopStatus;
import java.util.Comparator;

/** The order of {@code loops()}: paused first, then by spend, highest first, then by id. */
public final class LoopOrder {
    public static final Comparator<LoopStatus> PAUSED_THEN_SPEND = Comparator
            .comparing((LoopStatus status) -> status.state() != LoopState.PAUSED)
            .thenComparing(LoopStatus::spentNanos, Comparator.reverseOrder())
            .thenComparing(LoopStatus::loopId);

    private LoopOrder() {
    }
}

package dev.loopgate.budgets.runs.internal;

import dev.loopgate.budgets.ledger.LoopState;
import dev.loopgate.budgets.runs.RunStatus;
import java.util.Comparator;

/** How runs are listed: paused first, then the most recently active. */
final class RunOrder {
    static final Comparator<RunStatus> LISTING = Comparator
            .comparing((RunStatus run) -> run.state() != LoopState.PAUSED)
            .thenComparing(Comparator.comparingLong(RunStatus::lastCallMillis).reversed())
            .thenComparing(RunStatus::runId);

    private RunOrder() {
    }
}

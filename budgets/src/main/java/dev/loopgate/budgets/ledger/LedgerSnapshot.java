package dev.loopgate.budgets.ledger;

import java.util.List;
import java.util.Map;

/**
 * A ledger read back from its history: each loop's state, and what each key was charged
 * today (UTC) for its daily cap.
 */
public record LedgerSnapshot(List<LoopHistory> loops, Map<String, Long> keySpentTodayNanos) {
    public static final LedgerSnapshot EMPTY = new LedgerSnapshot(List.of(), Map.of());

    public LedgerSnapshot {
        loops = List.copyOf(loops);
        keySpentTodayNanos = Map.copyOf(keySpentTodayNanos);
    }
}

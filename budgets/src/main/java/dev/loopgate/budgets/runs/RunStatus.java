package dev.loopgate.budgets.runs;

import dev.loopgate.budgets.ledger.LoopState;
import java.util.Map;
import java.util.Objects;

/**
 * Where one run of a loop stands.
 *
 * @param spentNanos     settled over the run's whole life
 * @param reservedNanos  held for its calls under way
 * @param tokens         over its whole life
 * @param steps          calls over its whole life
 * @param firstCallMillis its first call
 * @param lastCallMillis  its latest call
 * @param restarts       how often it was started afresh after being idle too long
 * @param current        what its caps count: since its (re)start or its last resume
 * @param pausedBy       what paused it, or null when active
 * @param toolCalls      the calls of tools it made that {@code max_calls} caps count, by cap
 */
public record RunStatus(String loopId, String runId, LoopState state, long spentNanos, long reservedNanos,
        long tokens, long steps, long firstCallMillis, long lastCallMillis, long restarts, Window current,
        RunTrip pausedBy, Map<String, Long> toolCalls) {
    public RunStatus {
        Objects.requireNonNull(loopId, "loopId");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(current, "current");
        toolCalls = Map.copyOf(toolCalls);
    }

    /** What a run's caps count, since {@code startMillis}. */
    public record Window(long spentNanos, long tokens, long steps, long startMillis) {
    }
}

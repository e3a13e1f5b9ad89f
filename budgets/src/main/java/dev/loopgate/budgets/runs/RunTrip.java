package dev.loopgate.budgets.runs;

import dev.loopgate.budgets.ledger.Breaker;
import java.util.Objects;

/** What paused one run of a loop: a cap it reached ({@link Breaker#HARD_BUDGET}, {@code STEP_CAP}, {@code WALL_CLOCK}) or an admin ({@code MANUAL}). */
public record RunTrip(String loopId, String runId, Breaker breaker, String reason, long atMillis) {
    public RunTrip {
        Objects.requireNonNull(loopId, "loopId");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(reason, "reason");
    }
}

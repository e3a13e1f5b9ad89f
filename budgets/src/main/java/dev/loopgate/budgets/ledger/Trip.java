package dev.loopgate.budgets.ledger;

import java.util.Objects;

/** A breaker that paused a loop: which, why, and when. */
public record Trip(String loopId, Breaker breaker, String reason, long atMillis) {
    public Trip {
        Objects.requireNonNull(loopId, "loopId");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(reason, "reason");
    }
}

package dev.loopgate.budgets.ledger;

import java.util.Objects;

/**
 * One entry of a loop's history.
 *
 * @param kind    {@code trip} (a breaker paused it), {@code pause} (an admin paused it),
 *                {@code resume}, {@code expire} (reservations left unsettled were charged), or
 *                {@code restore} (written back from the audit store after Redis lost the ledger)
 * @param breaker the breaker for {@code trip} and {@code pause} ({@link Breaker#MANUAL}); null otherwise
 * @param by      the admin for {@code pause} and {@code resume}; {@code loopgate} otherwise
 */
public record LoopEvent(String kind, Breaker breaker, String reason, String by, long atMillis) {
    public static final String TRIP = "trip";
    public static final String PAUSE = "pause";
    public static final String RESUME = "resume";
    public static final String EXPIRE = "expire";
    public static final String RESTORE = "restore";
    /** The {@code by} of events the ledger records by itself. */
    public static final String BY_LOOPGATE = "loopgate";

    public LoopEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(by, "by");
    }
}

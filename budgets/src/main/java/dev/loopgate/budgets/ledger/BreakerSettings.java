package dev.loopgate.budgets.ledger;

import dev.loopgate.budgets.ledger.internal.Checks;

/**
 * When a loop is paused for misbehaving. 0 in a field turns that breaker off.
 *
 * @param usdPerMinuteNanos       trip {@link Breaker#SPEND_RATE} when more than this many nano-dollars
 *                                are settled within 60 seconds
 * @param sameRequestLimit        trip {@link Breaker#NO_PROGRESS} on the call that would be this
 *                                many-th identical request within the window
 * @param sameRequestWindowMillis the sliding window for identical requests; 0 counts repeats
 *                                (for {@code repeatCount}) over {@link #DEFAULT_REPEAT_WINDOW_MILLIS}
 * @param consecutiveFailures     trip {@link Breaker#UPSTREAM_FAILURES} after this many failed calls in a row
 */
public record BreakerSettings(long usdPerMinuteNanos, int sameRequestLimit, long sameRequestWindowMillis,
        int consecutiveFailures) {
    public static final BreakerSettings OFF = new BreakerSettings(0, 0, 0, 0);
    /** The window over which repeats are counted when {@code sameRequestWindowMillis} is 0: ten minutes. */
    public static final long DEFAULT_REPEAT_WINDOW_MILLIS = 600_000;
    /**
     * How many occurrences of one request are remembered: {@code repeatCount} counts up to
     * this, and {@code sameRequestLimit} may not exceed it. Bounds the memory a loop stuck
     * on one request can take.
     */
    public static final int MAX_REPEATS_KEPT = 256;

    public BreakerSettings {
        if (sameRequestLimit > MAX_REPEATS_KEPT) {
            throw new IllegalArgumentException("sameRequestLimit must be at most " + MAX_REPEATS_KEPT + ", was "
                    + sameRequestLimit);
        }
        Checks.amount(usdPerMinuteNanos, "usdPerMinuteNanos");
        Checks.nonNegative(sameRequestLimit, "sameRequestLimit");
        Checks.nonNegative(sameRequestWindowMillis, "sameRequestWindowMillis");
        Checks.nonNegative(consecutiveFailures, "consecutiveFailures");
    }

    /** The window identical requests are counted over: the configured one, or the default when it is 0. */
    public long repeatWindowMillis() {
        return sameRequestWindowMillis > 0 ? sameRequestWindowMillis : DEFAULT_REPEAT_WINDOW_MILLIS;
    }
}

package dev.loopgate.budgets.ledger;

import dev.loopgate.budgets.ledger.internal.Checks;
import java.util.Objects;

/**
 * One call asking to hold its worst case in its loop's budget before it is sent.
 *
 * @param loopId           the loop (1–256 characters, no braces, no control characters)
 * @param keyName          the key it came with; required when {@code keyDailyCapNanos} is set
 * @param requestHash      what makes two calls "the same request" (null: not counted as a repeat)
 * @param choices          the most this call may cost and the most tokens (prompt + completion) it may
 *                         use, one worst case or one per cell of the loop's facts
 * @param limits           the configured limits; an admin override set with
 *                         {@link BudgetLedger#setLimits} replaces them
 * @param keyDailyCapNanos the key's daily USD cap across all its loops; 0 = none
 * @param breakers         the breakers to apply
 * @param nowMillis        the time of the call (epoch milliseconds)
 */
public record ReserveRequest(String loopId, String keyName, String requestHash, ReserveChoices choices,
        BudgetLimits limits, long keyDailyCapNanos, BreakerSettings breakers, long nowMillis) {
    public ReserveRequest {
        Checks.loopId(loopId);
        if (keyName != null || keyDailyCapNanos > 0) {
            Checks.keyName(keyName);
        }
        Checks.requestHash(requestHash);
        Objects.requireNonNull(choices, "choices");
        Objects.requireNonNull(limits, "limits");
        Checks.amount(keyDailyCapNanos, "keyDailyCapNanos");
        Objects.requireNonNull(breakers, "breakers");
        Checks.nonNegative(nowMillis, "nowMillis");
    }

    /** A call with one worst case whatever the loop's facts. */
    public ReserveRequest(String loopId, String keyName, String requestHash, long worstCaseNanos, long worstCaseTokens,
            BudgetLimits limits, long keyDailyCapNanos, BreakerSettings breakers, long nowMillis) {
        this(loopId, keyName, requestHash, ReserveChoices.single(worstCaseNanos, worstCaseTokens), limits,
                keyDailyCapNanos, breakers, nowMillis);
    }

    /** The largest worst case over the choices: what a key's daily cap holds. */
    public long worstCaseNanos() {
        return choices.maxNanos();
    }

    public long worstCaseTokens() {
        return choices.maxTokens();
    }
}

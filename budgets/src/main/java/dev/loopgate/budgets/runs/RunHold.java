package dev.loopgate.budgets.runs;

import dev.loopgate.budgets.ledger.internal.Checks;
import java.util.Objects;

/**
 * One call asking to hold its worst case in its run, beside the hold in its loop's budget.
 *
 * @param holdId          unique per call (the loop reservation's id); settling or cancelling it twice counts once
 * @param expiresAtMillis when a hold never settled is charged in full
 */
public record RunHold(String loopId, String runId, String holdId, long worstCaseNanos, long worstCaseTokens,
        RunLimits limits, long expiresAtMillis, long nowMillis) {
    public RunHold {
        Checks.loopId(loopId);
        RunIds.check(runId);
        Objects.requireNonNull(holdId, "holdId");
        Checks.amount(worstCaseNanos, "worstCaseNanos");
        Checks.amount(worstCaseTokens, "worstCaseTokens");
        Objects.requireNonNull(limits, "limits");
        Checks.nonNegative(expiresAtMillis, "expiresAtMillis");
        Checks.nonNegative(nowMillis, "nowMillis");
    }
}

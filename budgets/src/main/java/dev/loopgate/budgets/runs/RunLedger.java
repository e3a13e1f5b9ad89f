package dev.loopgate.budgets.runs;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The runs of each loop (one nightly job, one coding agent's conversation), each with its own
 * caps ({@link RunLimits}) beside its loop's budget: a run past a cap is paused on its own while
 * the loop's other runs go on, until an admin resumes it. A call holds its worst case in its run
 * when it holds it in its loop, and settles both; a hold never settled is charged in full once
 * past its expiry. Operations on one loop's runs are atomic with respect to each other; in Redis
 * they share the loop's hash slot. {@code RunLedgerContract} holds every implementation to this.
 */
public interface RunLedger extends AutoCloseable {
    /** How many runs of a loop are kept for listing: the most recently active. */
    int MAX_RUNS_LISTED = 1000;

    /** Holds the call's worst case in its run and counts a step, or refuses (and holds nothing). */
    CompletionStage<RunDecision> hold(RunHold hold);

    /**
     * Charges the call's actual cost in place of its hold, and pauses the run when that reaches its
     * USD or token cap. A hold unknown or already settled charges nothing; one settled after its
     * expiry is charged what it held.
     */
    CompletionStage<RunSettled> settle(String loopId, String runId, String holdId, long nanos, long tokens,
            RunLimits limits, long nowMillis);

    /** Gives back a hold the call will not use, and its step; unknown or settled holds are left as they are. */
    CompletionStage<Void> cancel(String loopId, String runId, String holdId, long nowMillis);

    /**
     * Counts one call of a tool against the caps that name it ({@code caps}: cap key → most calls,
     * checked in its iteration order): when a cap's count has already reached its most, counts
     * nothing and answers that cap's key; otherwise adds one to every cap's count and answers empty.
     * With {@code runId} null the counts are the loop's own, over its life; a run's are kept with
     * the run (and forgotten with it).
     */
    CompletionStage<Optional<String>> countToolCall(String loopId, String runId, Map<String, Long> caps,
            long nowMillis);

    /** The run's status, or empty when it was never seen (or is long gone). */
    CompletionStage<Optional<RunStatus>> status(String loopId, String runId);

    /** The loop's runs, paused first, then the most recently active first; at most {@link #MAX_RUNS_LISTED}. */
    CompletionStage<List<RunStatus>> runs(String loopId);

    /** Pauses the run ({@code MANUAL}); a paused run stays as it is. Empty when the run is unknown. */
    CompletionStage<Optional<RunStatus>> pause(String loopId, String runId, String reason, String by, long nowMillis);

    /**
     * Makes the run active again; its caps count afresh from now (a run that reached a cap may go on
     * for as much again). Resuming an active run changes nothing. Empty when the run is unknown.
     */
    CompletionStage<Optional<RunStatus>> resume(String loopId, String runId, String reason, String by, long nowMillis);

    @Override
    void close();
}

package dev.loopgate.budgets.ledger;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Every model call of a loop first reserves its worst-case cost, then settles its actual
 * cost. A loop never spends past its budget however many calls run at once, every call is
 * charged exactly once, and a misbehaving loop is paused by a breaker until an admin resumes
 * it. The rules are in {@code docs/budgets.md}; {@code BudgetLedgerContract} holds every
 * implementation to them.
 *
 * <p>Operations on one loop are atomic with respect to each other. Each of them first
 * charges that loop's reservations that are past their expiry time. Invalid arguments throw
 * at once; a stage fails only when the store cannot be used (Redis down), and then nothing
 * may be assumed about that call. Stages may complete on the store's own threads.
 */
public interface BudgetLedger extends AutoCloseable {

    /** Holds the call's worst case, or refuses it (and holds nothing). */
    CompletionStage<BudgetDecision> reserve(ReserveRequest request);

    /**
     * Charges the call's actual cost in place of its reservation and applies the breakers
     * that look at outcomes. Settling a reservation that is unknown, already settled or already
     * expired charges nothing and is not an error.
     *
     * @param limits   the configured limits (an admin override replaces them), for the hard budget breaker
     * @param breakers the breakers to apply
     */
    CompletionStage<SettleResult> settle(Reservation reservation, Settlement settlement, BudgetLimits limits,
            BreakerSettings breakers, long nowMillis);

    /**
     * Undoes a reserve the call will not use (refused elsewhere after it was made, say by a rate
     * limit checked at the same time): its hold, its step and its repeat are given back, as if it
     * was never made. A reservation already settled, expired or unknown is left as it is.
     *
     * @param requestHash the hash the reserve was made with (null: none)
     */
    CompletionStage<Void> cancel(Reservation reservation, String requestHash, long nowMillis);

    /**
     * Adds spend that was settled elsewhere to the loop's {@code bucket}: how
     * {@link SlicedBudgetLedger} hands this ledger what it charged locally while this ledger
     * could not be used. Holds and releases nothing, takes no step and records no repeat; then
     * applies the hard budget breaker to the current bucket of the effective limits' period, as
     * settle does (a paused loop is charged but trips nothing). Not idempotent: every call adds.
     *
     * @param bucket the period bucket, as {@link Reservation#bucket()}: {@code total},
     *               {@code d:yyyy-MM-dd} or {@code m:yyyy-MM}
     * @param limits the configured limits (an admin override replaces them), for the hard budget breaker
     * @return the loop's spend in the effective period's current bucket afterwards, and the trip
     *         this charge caused, or null
     * @throws IllegalArgumentException at once for an invalid loop id, bucket name or amount
     */
    CompletionStage<SettleResult> charge(String loopId, String bucket, long nanos, long tokens, BudgetLimits limits,
            long nowMillis);

    /**
     * What a reserve would report now as {@code budgetUsed} and {@code repeatCount}, and whether
     * the loop is paused; changes nothing except charging the loop's overdue reservations.
     */
    CompletionStage<LoopFacts> peek(String loopId, String requestHash, BudgetLimits limits, BreakerSettings breakers,
            long nowMillis);

    /** The loop's status; a loop never seen is {@link LoopStatus#unknown ACTIVE with zeros}. */
    CompletionStage<LoopStatus> status(String loopId);

    /** Every loop seen (reserved for, paused, resumed or given limits), paused first, then by spend, highest first. */
    CompletionStage<List<LoopStatus>> loops();

    /** Pauses the loop with a {@link Breaker#MANUAL} trip; a loop already paused stays as it is. */
    CompletionStage<LoopStatus> pause(String loopId, String reason, String by, long nowMillis);

    /**
     * Makes the loop active again and records who did it and why. Clears the evidence the
     * breakers weighed (consecutive failures, repeats, spend of the last minute); caps (budget,
     * steps, wall clock) stay, so raise them with {@link #setLimits} or the loop trips again on
     * its next call. Resuming an active loop changes nothing.
     */
    CompletionStage<LoopStatus> resume(String loopId, String reason, String by, long nowMillis);

    /** Replaces the configured limits of this loop by {@code override}; null drops the override. */
    CompletionStage<Void> setLimits(String loopId, BudgetLimits override);

    /**
     * Charges every reservation whose expiry time is at or before {@code nowMillis} at its
     * reserved amount, counts it in {@link LoopStatus#expiredReservations()} and records it in
     * the loop's history.
     *
     * @return how many reservations were charged
     */
    CompletionStage<Integer> expireReservations(long nowMillis);

    @Override
    void close();
}

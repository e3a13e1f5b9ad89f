package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.Money;
import dev.loopgate.budgets.ledger.Trip;
import java.util.Locale;

/**
 * The words of trips, events and refusals. Trip and event texts are also written by the
 * Redis scripts ({@code lib_v1.lua} and the scripts using it), letter for letter the same;
 * the contract tests compare them.
 */
public final class Texts {
    private Texts() {
    }

    public static String hardBudgetUsd(long spent, long limit, String bucket) {
        return "spent $" + Money.format(spent) + " of the $" + Money.format(limit) + " budget" + Buckets.describe(bucket);
    }

    public static String hardBudgetTokens(long used, long limit, String bucket) {
        return "used " + used + " of the " + limit + " token budget" + Buckets.describe(bucket);
    }

    public static String spendRate(long lastMinute, long limit) {
        return "$" + Money.format(lastMinute) + " settled in the last 60 s, over the limit of $" + Money.format(limit)
                + " per minute";
    }

    public static String noProgress(long occurrence, long windowMillis, int limit) {
        return "same request sent " + occurrence + " times within " + windowMillis + " ms (limit " + limit + ")";
    }

    public static String stepCap(long steps) {
        return "step cap of " + steps + " reached";
    }

    public static String wallClock(long capMillis, long elapsedMillis) {
        return "wall-clock cap of " + capMillis + " ms reached: first call " + elapsedMillis + " ms ago";
    }

    public static String upstreamFailures(long failures, int limit) {
        return failures + " consecutive upstream failures (limit " + limit + ")";
    }

    public static String expired(long count, long chargedNanos) {
        return "charged $" + Money.format(chargedNanos) + " for " + count + " reservation(s) never settled";
    }

    public static String paused(Trip trip) {
        return "Loop '" + trip.loopId() + "' is paused by the " + trip.breaker().name().toLowerCase(Locale.ROOT)
                + " breaker: " + trip.reason();
    }

    /** The refusal of a loop that spent its local slice while the budget store is unreachable. */
    public static String sliceSpent(String loopId) {
        return "Loop '" + loopId + "' has used the part of its budget this gateway may spend while the budget store"
                + " is unreachable";
    }

    /** The reason of the pause that records, once the budget store is back, a trip made by a local slice. */
    public static String trippedWhileDown(Trip trip) {
        return "the " + trip.breaker().name().toLowerCase(Locale.ROOT) + " breaker tripped while the budget store was"
                + " unreachable: " + trip.reason();
    }

    public static String budgetExceeded(String loopId, long limit, long spent, long reserved, String bucket) {
        return "Loop '" + loopId + "' would exceed its $" + Money.format(limit) + " budget" + Buckets.describe(bucket)
                + ": $" + Money.format(spent) + " spent and $" + Money.format(reserved) + " reserved";
    }

    public static String tokensExceeded(String loopId, long limit, long used, long reserved, String bucket) {
        return "Loop '" + loopId + "' would exceed its " + limit + " token budget" + Buckets.describe(bucket)
                + ": " + used + " used and " + reserved + " reserved";
    }

    public static String keyCapExceeded(String keyName, long cap, long spentAndReserved, String day) {
        return "Key '" + keyName + "' would exceed its $" + Money.format(cap) + " daily cap for " + day + ": $"
                + Money.format(spentAndReserved) + " spent or reserved";
    }
}

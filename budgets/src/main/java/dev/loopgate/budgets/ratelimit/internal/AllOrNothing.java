package dev.loopgate.budgets.ratelimit.internal;

import dev.loopgate.budgets.ratelimit.RateDecision;
import io.github.bucket4j.ConsumptionProbe;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Takes from several buckets so that a call either gets all it asked for or takes nothing:
 * one bucket after the other, in the plan's order; when one refuses (or fails), what the
 * earlier ones gave is added back and the refusal (or failure) is the answer.
 *
 * <p>The edge of this approach, and why it is acceptable: between the take and the give-back
 * (nothing for in-memory buckets) the earlier buckets look emptier than they are,
 * so a concurrent call may be refused that would have passed. It never lets more through
 * than a limit (each take is atomic on its bucket), it only errs towards refusing, and only
 * under contention at a limit. A crash (or a Redis failure) between take and give-back loses
 * the taken amount until it refills, at most one minute. Checking every bucket first and then
 * consuming would not remove this: another call can still drain a later bucket in between.
 */
public final class AllOrNothing {
    private static final System.Logger LOG = System.getLogger(AllOrNothing.class.getName());

    private AllOrNothing() {
    }

    /** Runs the plan's takes against the buckets {@code buckets} gives for each spec. */
    public static CompletionStage<RateDecision> take(BucketPlan plan, Function<BucketSpec, TokenBucket> buckets) {
        if (plan.refusal() != null) {
            return CompletableFuture.completedFuture(plan.refusal());
        }
        return step(plan.takes(), 0, buckets, new ArrayList<>(plan.takes().size()));
    }

    private record Taken(TokenBucket bucket, BucketPlan.Take take) {
    }

    private static CompletionStage<RateDecision> step(List<BucketPlan.Take> takes, int index,
            Function<BucketSpec, TokenBucket> buckets, List<Taken> taken) {
        if (index == takes.size()) {
            return CompletableFuture.completedFuture(RateDecision.ALLOWED);
        }
        BucketPlan.Take take = takes.get(index);
        TokenBucket bucket;
        CompletionStage<ConsumptionProbe> attempt;
        try {
            bucket = buckets.apply(take.bucket());
            attempt = bucket.tryConsume(take.amount());
        } catch (RuntimeException e) {
            return giveBack(taken).thenCompose(ignored -> CompletableFuture.failedFuture(e));
        }
        return attempt.handle((probe, failure) -> {
            if (failure != null) {
                return giveBack(taken).thenCompose(ignored -> CompletableFuture.<RateDecision>failedFuture(failure));
            }
            if (probe.isConsumed()) {
                taken.add(new Taken(bucket, take));
                return step(takes, index + 1, buckets, taken);
            }
            RateDecision limited = new RateDecision.Limited(take.bucket().scope(),
                    retryAfterMillis(probe.getNanosToWaitForRefill()));
            return giveBack(taken).thenApply(ignored -> limited);
        }).thenCompose(Function.identity());
    }

    /** Adds back everything taken, all at once; a failed give-back is logged, never raised. */
    private static CompletionStage<Void> giveBack(List<Taken> taken) {
        CompletableFuture<?>[] refunds = new CompletableFuture<?>[taken.size()];
        for (int i = 0; i < refunds.length; i++) {
            Taken t = taken.get(i);
            CompletionStage<Void> refund;
            try {
                refund = t.bucket().addTokens(t.take().amount());
            } catch (RuntimeException e) {
                refund = CompletableFuture.failedFuture(e);
            }
            refunds[i] = refund.toCompletableFuture().exceptionally(failure -> {
                LOG.log(Level.WARNING, "could not give back " + t.take().amount() + " to " + t.take().bucket().scope()
                        + "; it returns by refill within a minute", failure);
                return null;
            });
        }
        return CompletableFuture.allOf(refunds);
    }

    /** Bucket4j's nanos to wait, rounded up to whole milliseconds, at least 1. */
    static long retryAfterMillis(long nanosToWait) {
        long millis = nanosToWait / 1_000_000 + (nanosToWait % 1_000_000 == 0 ? 0 : 1);
        return Math.max(1, millis);
    }
}

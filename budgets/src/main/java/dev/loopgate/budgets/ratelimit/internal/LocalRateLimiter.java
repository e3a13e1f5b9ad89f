package dev.loopgate.budgets.ratelimit.internal;

import dev.loopgate.budgets.ratelimit.RateDecision;
import dev.loopgate.budgets.ratelimit.RateLimiter;
import dev.loopgate.budgets.ratelimit.RateLimits;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Limits for one process: Bucket4j in-memory buckets, kept in a bounded map that forgets
 * buckets idle for a minute (they are full by then). Every stage it returns is already complete.
 * Use {@link RedisRateLimiter} when several replicas serve the same loops.
 */
public final class LocalRateLimiter implements RateLimiter {
    public static final int DEFAULT_MAX_BUCKETS = 100_000;

    private final TimeMeter time;
    private final IdleBuckets buckets;
    private volatile boolean closed;

    /**
     * @param clock      where refill time comes from
     * @param maxBuckets how many buckets are kept at most (four per active loop and key, at most)
     */
    public LocalRateLimiter(Clock clock, int maxBuckets) {
        this.time = new ClockTimeMeter(clock);
        this.buckets = new IdleBuckets(maxBuckets);
    }

    @Override
    public CompletionStage<RateDecision> acquire(String loopId, RateLimits loopLimits, String keyName,
            RateLimits keyLimits, long tokens) {
        BucketPlan plan = BucketPlan.of(loopId, loopLimits, keyName, keyLimits, tokens);
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the rate limiter is closed"));
        }
        long now = time.currentTimeNanos();
        return AllOrNothing.take(plan, spec -> new Local(buckets.get(spec, now, this::newBucket)));
    }

    /** How many buckets are held now (for tests of the bound and of forgetting). */
    public int bucketCount() {
        return buckets.size();
    }

    @Override
    public void close() {
        closed = true;
        buckets.clear();
    }

    private Bucket newBucket(BucketSpec spec) {
        return Bucket.builder()
                .addLimit(spec.configuration().getBandwidths()[0])
                .withCustomTimePrecision(time)
                .build();
    }

    private record Local(Bucket bucket) implements TokenBucket {
        @Override
        public CompletionStage<ConsumptionProbe> tryConsume(long amount) {
            return CompletableFuture.completedFuture(bucket.tryConsumeAndReturnRemaining(amount));
        }

        @Override
        public CompletionStage<Void> addTokens(long amount) {
            bucket.addTokens(amount);
            return CompletableFuture.completedFuture(null);
        }
    }
}

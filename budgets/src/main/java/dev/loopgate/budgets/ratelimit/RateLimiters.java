package dev.loopgate.budgets.ratelimit;

import dev.loopgate.budgets.ratelimit.internal.LocalRateLimiter;
import dev.loopgate.budgets.ratelimit.internal.RedisRateLimiter;
import dev.loopgate.budgets.redis.RedisLink;
import java.time.Clock;
import java.util.concurrent.CompletionStage;

/** Makes {@link RateLimiter}s: local to this process, or shared by every replica through Redis. */
public final class RateLimiters {
    private RateLimiters() {
    }

    /** In-memory buckets for one process, on the system clock. */
    public static RateLimiter local() {
        return local(Clock.systemUTC(), LocalRateLimiter.DEFAULT_MAX_BUCKETS);
    }

    /**
     * In-memory buckets for one process.
     *
     * @param maxBuckets how many buckets are kept at most; idle ones (full again) are dropped first
     */
    public static RateLimiter local(Clock clock, int maxBuckets) {
        return new LocalRateLimiter(clock, maxBuckets);
    }

    /**
     * Buckets in Redis, shared by every replica using the same {@code namespace}. Opens a
     * connection of its own on {@code link}; {@link RateLimiter#close()} closes it (the
     * link stays yours). Completes once connected; fails with the reason Redis cannot be used.
     */
    public static CompletionStage<RateLimiter> redis(RedisLink link, String namespace, Clock clock) {
        return RedisRateLimiter.connect(link, namespace, clock);
    }
}

package dev.loopgate.budgets.ratelimit;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Rate limits for {@code on_redis_down: allow}: the primary (Redis) limiter while it answers;
 * for each call whose primary stage fails, a local limiter with the same limits. While Redis is
 * down the limits are therefore per replica: N replicas together pass up to N times a limit.
 * The local buckets are independent of Redis's: nothing is reconciled when it returns (rate
 * buckets refill within a minute anyway).
 */
public final class FallbackRateLimiter implements RateLimiter {
    private final RateLimiter primary;
    private final RateLimiter local;
    private volatile boolean usingLocal;

    /** Falls back to {@link RateLimiters#local()}. */
    public FallbackRateLimiter(RateLimiter primary) {
        this(primary, RateLimiters.local());
    }

    /** @param local used for each call the primary fails; closed with this limiter */
    public FallbackRateLimiter(RateLimiter primary, RateLimiter local) {
        this.primary = Objects.requireNonNull(primary, "primary");
        this.local = Objects.requireNonNull(local, "local");
    }

    /** Whether the last call was decided by the local limiter (the primary failed). */
    public boolean usingLocal() {
        return usingLocal;
    }

    /** As the primary decides; when its stage fails, as the local limiter decides. Invalid arguments throw at once. */
    @Override
    public CompletionStage<RateDecision> acquire(String loopId, RateLimits loopLimits, String keyName,
            RateLimits keyLimits, long tokens) {
        return primary.acquire(loopId, loopLimits, keyName, keyLimits, tokens).handle((decision, failure) -> {
            usingLocal = failure != null;
            return failure == null ? CompletableFuture.completedFuture(decision)
                    : local.acquire(loopId, loopLimits, keyName, keyLimits, tokens);
        }).thenCompose(decided -> decided);
    }

    @Override
    public void close() {
        primary.close();
        local.close();
    }
}

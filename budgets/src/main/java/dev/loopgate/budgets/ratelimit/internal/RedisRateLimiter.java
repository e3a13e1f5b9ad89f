package dev.loopgate.budgets.ratelimit.internal;

import dev.loopgate.budgets.ratelimit.RateDecision;
import dev.loopgate.budgets.ratelimit.RateLimiter;
import dev.loopgate.budgets.ratelimit.RateLimits;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Limits shared by every replica through Redis: Bucket4j-Lettuce proxy buckets (compare-and-swap:
 * each operation reads the bucket state, computes on this side with this replica's clock, and
 * writes it back only if nobody changed it meanwhile, retrying otherwise), so N replicas together
 * pass a limit's worth of calls, not N times that. Keys are laid out by {@link RateLimitKeys} and
 * expire once their bucket would be full again (plus {@link #KEY_GRACE}), so idle loops leave
 * nothing behind.
 *
 * <p>Refill is computed from the replicas' own clocks: keep them in sync (NTP); a replica whose
 * clock runs ahead sees buckets refill a little early.
 */
public final class RedisRateLimiter implements RateLimiter {
    /** How long a full bucket's key is kept after it would have refilled. */
    public static final Duration KEY_GRACE = Duration.ofSeconds(10);

    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final AsyncProxyManager<byte[]> buckets;
    private final RateLimitKeys keys;
    private volatile boolean closed;

    private RedisRateLimiter(StatefulRedisConnection<byte[], byte[]> connection, RateLimitKeys keys, Clock clock) {
        this.connection = connection;
        this.keys = keys;
        // Given the connection, not the client: casBasedBuilder(RedisClient) would open one
        // itself, blocking, and nothing would ever close it.
        this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .clientClock(new ClockTimeMeter(clock))
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEY_GRACE))
                .build()
                .asAsync();
    }

    /**
     * Opens a connection of its own on {@code client} (closed by {@link #close()}; the client stays
     * the caller's) and completes with the limiter once connected. Never blocks.
     *
     * @param namespace first part of every key, e.g. {@code lg}
     * @param clock     where refill time comes from
     */
    public static CompletionStage<RateLimiter> connect(RedisClient client, RedisURI uri, String namespace,
            Clock clock) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(clock, "clock");
        RateLimitKeys keys = RateLimitKeys.of(namespace);
        return client.connectAsync(ByteArrayCodec.INSTANCE, uri)
                .thenApply(connection -> (RateLimiter) new RedisRateLimiter(connection, keys, clock))
                .toCompletableFuture()
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(new IllegalStateException(
                        "rate limits: cannot use Redis at " + uri.getHost() + ":" + uri.getPort() + ": "
                                + describe(failure), failure)));
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    @Override
    public CompletionStage<RateDecision> acquire(String loopId, RateLimits loopLimits, String keyName,
            RateLimits keyLimits, long tokens) {
        BucketPlan plan = BucketPlan.of(loopId, loopLimits, keyName, keyLimits, tokens);
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the rate limiter is closed"));
        }
        return AllOrNothing.take(plan, this::bucket);
    }

    private TokenBucket bucket(BucketSpec spec) {
        AsyncBucketProxy proxy = buckets.getProxy(keys.bytes(spec),
                () -> CompletableFuture.completedFuture(spec.configuration()));
        return new Remote(proxy);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        connection.closeAsync();
    }

    private record Remote(AsyncBucketProxy proxy) implements TokenBucket {
        @Override
        public CompletionStage<ConsumptionProbe> tryConsume(long amount) {
            return proxy.tryConsumeAndReturnRemaining(amount);
        }

        @Override
        public CompletionStage<Void> addTokens(long amount) {
            return proxy.addTokens(amount);
        }
    }
}

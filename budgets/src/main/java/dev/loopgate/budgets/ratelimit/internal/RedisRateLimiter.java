package dev.loopgate.budgets.ratelimit.internal;

import dev.loopgate.budgets.ratelimit.RateDecision;
import dev.loopgate.budgets.ratelimit.RateLimiter;
import dev.loopgate.budgets.ratelimit.RateLimits;
import dev.loopgate.budgets.ratelimit.internal.BucketSpec.Owner;
import dev.loopgate.budgets.redis.LuaScript;
import dev.loopgate.budgets.redis.Reconnecting;
import dev.loopgate.budgets.redis.RedisConnection;
import dev.loopgate.budgets.redis.RedisLink;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Limits shared by every replica through Redis, so N replicas together pass a limit's worth of
 * calls, not N times that. One Lua script ({@code buckets_v1.lua}) takes from all of an owner's
 * buckets at once, all or nothing (one MGET, then a SET with its expiry per bucket); the loop's and the key's scripts are sent together (they live
 * in different hash slots), so a call costs one round trip of two commands. When one owner
 * refuses and the other gave, the other's share is given back before the refusal is answered.
 * Bucket4j's Redis buckets were not used here: they read the state, compute on the client and
 * compare-and-swap it back, two round trips per bucket and retries under contention.
 *
 * <p>Keys are laid out by {@link RateLimitKeys} and expire once their bucket would be full again
 * (plus {@link #KEY_GRACE}), so idle loops leave nothing behind. Refill is computed from the
 * replicas' own clocks: keep them in sync (NTP); a replica whose clock runs ahead sees buckets
 * refill a little early.
 */
public final class RedisRateLimiter implements RateLimiter {
    /** How long a full bucket's key is kept after it would have refilled. */
    public static final Duration KEY_GRACE = Duration.ofSeconds(10);

    private static final LuaScript BUCKETS = LuaScript.load(RedisRateLimiter.class, "buckets_v1.lua");
    private static final String GRACE_MILLIS = Long.toString(KEY_GRACE.toMillis());
    private static final String TAKE = "take";
    private static final String GIVE = "give";

    private final Reconnecting<RedisConnection<String, String>> connection;
    private final RateLimitKeys keys;
    private final Clock clock;
    private volatile boolean closed;

    private RedisRateLimiter(RedisLink link, RateLimitKeys keys, Clock clock) {
        this.connection = new Reconnecting<>(() -> link.connect()
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(link.unusable("rate limits", failure))));
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * A limiter on a connection of its own from {@code link} (closed by {@link #close()}; the link
     * stays the caller's), connecting in the background: it is ready at once, and while Redis
     * cannot be reached its calls fail with the reason (a Redis down at start is joined once it
     * is back). Never blocks.
     *
     * @param namespace first part of every key, e.g. {@code lg}
     * @param clock     where refill time comes from
     */
    public static CompletionStage<RateLimiter> connect(RedisLink link, String namespace, Clock clock) {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(clock, "clock");
        RateLimitKeys keys = RateLimitKeys.of(namespace);
        return CompletableFuture.completedFuture(new RedisRateLimiter(link, keys, clock));
    }

    @Override
    public CompletionStage<RateDecision> acquire(String loopId, RateLimits loopLimits, String keyName,
            RateLimits keyLimits, long tokens) {
        BucketPlan plan = BucketPlan.of(loopId, loopLimits, keyName, keyLimits, tokens);
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the rate limiter is closed"));
        }
        if (plan.refusal() != null) {
            return CompletableFuture.completedFuture(plan.refusal());
        }
        long now = clock.millis();
        OwnerTake loop = take(plan, Owner.LOOP, now);
        OwnerTake key = take(plan, Owner.KEY, now);
        return loop.reply.handle((loopReply, loopFailure) -> key.reply.handle((keyReply, keyFailure) -> {
            Throwable failure = loopFailure != null ? loopFailure : keyFailure;
            RateDecision loopDecision = loopFailure == null ? loop.decision(loopReply) : null;
            RateDecision keyDecision = keyFailure == null ? key.decision(keyReply) : null;
            RateDecision refusal = loopDecision instanceof RateDecision.Limited ? loopDecision
                    : keyDecision instanceof RateDecision.Limited ? keyDecision : null;
            if (failure == null && refusal == null) {
                return CompletableFuture.completedFuture((RateDecision) RateDecision.ALLOWED);
            }
            List<CompletableFuture<Void>> givingBack = new ArrayList<>(2);
            if (loopDecision == RateDecision.ALLOWED) {
                givingBack.add(giveBack(loop, now));
            }
            if (keyDecision == RateDecision.ALLOWED) {
                givingBack.add(giveBack(key, now));
            }
            CompletableFuture<Void> given = CompletableFuture.allOf(givingBack.toArray(CompletableFuture[]::new));
            return failure != null
                    ? given.<RateDecision>thenCompose(v -> CompletableFuture.failedFuture(failure))
                    : given.thenApply(v -> refusal);
        }).thenCompose(decided -> decided)).thenCompose(decided -> decided);
    }

    /** Sends the owner's take now, or answers at once for an owner without limits. */
    private OwnerTake take(BucketPlan plan, Owner owner, long now) {
        List<BucketPlan.Take> takes = new ArrayList<>(2);
        for (BucketPlan.Take take : plan.takes()) {
            if (take.bucket().owner() == owner) {
                takes.add(take);
            }
        }
        CompletableFuture<List<Object>> reply = takes.isEmpty()
                ? CompletableFuture.completedFuture(List.of(0L))
                : run(TAKE, takes, now);
        return new OwnerTake(takes, reply);
    }

    /** A failed give-back is not an error: the share returns by refill within a minute. */
    private CompletableFuture<Void> giveBack(OwnerTake taken, long now) {
        if (taken.takes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return run(GIVE, taken.takes, now).handle((reply, failure) -> null);
    }

    private CompletableFuture<List<Object>> run(String mode, List<BucketPlan.Take> takes, long now) {
        String[] bucketKeys = new String[takes.size()];
        String[] args = new String[3 + 2 * takes.size()];
        args[0] = Long.toString(now);
        args[1] = mode;
        args[2] = GRACE_MILLIS;
        for (int i = 0; i < takes.size(); i++) {
            BucketPlan.Take take = takes.get(i);
            bucketKeys[i] = keys.of(take.bucket());
            args[3 + 2 * i] = Long.toString(take.bucket().capacity());
            args[4 + 2 * i] = Long.toString(take.amount());
        }
        return connection.get().thenCompose(open -> BUCKETS.<List<Object>, String, String>run(open.commands(),
                        ScriptOutputType.MULTI, bucketKeys, args))
                .toCompletableFuture();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        connection.close().thenAccept(RedisConnection::closeAsync);
    }

    /** One owner's share of a call: its takes, in plan order, and the script's reply. */
    private record OwnerTake(List<BucketPlan.Take> takes, CompletableFuture<List<Object>> reply) {
        /** {@code {0}}: every bucket gave; {@code {i, ms}}: bucket i (1-based) refused. */
        RateDecision decision(List<Object> reply) {
            long refusedBy = (Long) reply.get(0);
            if (refusedBy == 0) {
                return RateDecision.ALLOWED;
            }
            return new RateDecision.Limited(takes.get((int) refusedBy - 1).bucket().scope(), (Long) reply.get(1));
        }
    }
}

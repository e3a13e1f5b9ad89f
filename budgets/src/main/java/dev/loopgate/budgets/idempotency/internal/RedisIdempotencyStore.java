package dev.loopgate.budgets.idempotency.internal;

import dev.loopgate.budgets.idempotency.IdempotencyClaim;
import dev.loopgate.budgets.idempotency.IdempotencyStore;
import dev.loopgate.budgets.idempotency.StoredAnswer;
import dev.loopgate.budgets.redis.LuaScript;
import dev.loopgate.budgets.redis.Reconnecting;
import dev.loopgate.budgets.redis.RedisConnection;
import dev.loopgate.budgets.redis.RedisLink;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Idempotency shared by every replica through Redis (layout in {@link IdempotencyKeys}); each
 * step is one Lua script, so claim, complete, abandon and renew are atomic.
 *
 * <p><b>Lease.</b> A claim sets the lock with SET NX PX: it lapses after the lease, so an owner
 * that crashed blocks the key only that long; then the next claim owns it. A live owner renews
 * the lease (PEXPIRE, only while the lock holds its token) as its call runs; one that stops
 * renewing loses the slot: its {@code complete} returns {@code false} and its answer is not kept.
 *
 * <p><b>Waiting.</b> A claim that finds the call running (same body) waits for a message on the
 * namespace's "ended" channel naming its scope, and also looks again after 20 ms, 40 ms, ...
 * up to every 500 ms: pub/sub drops messages while a connection is down, and a lapsed lease sends
 * none. When the wait runs out it looks a last time, then answers {@code InFlight}.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {
    static final Duration FIRST_POLL = Duration.ofMillis(20);
    static final Duration MAX_POLL = Duration.ofMillis(500);

    private static final LuaScript CLAIM = LuaScript.load(RedisIdempotencyStore.class, "claim_v1.lua");
    private static final LuaScript COMPLETE = LuaScript.load(RedisIdempotencyStore.class, "complete_v1.lua");
    private static final LuaScript ABANDON = LuaScript.load(RedisIdempotencyStore.class, "abandon_v1.lua");
    private static final LuaScript RENEW = LuaScript.load(RedisIdempotencyStore.class, "renew_v1.lua");
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final Reconnecting<RedisConnection<String, byte[]>> commands;
    private final Reconnecting<StatefulRedisPubSubConnection<String, String>> ended;
    private final IdempotencyKeys keys;
    private final byte[] ttlMillis;
    private final byte[] leaseMillis;
    private final byte[] endedChannel;
    private final long firstPollNanos;
    private final long maxPollNanos;
    private final Waiters waiters = new Waiters();
    private volatile boolean closed;

    private RedisIdempotencyStore(RedisLink link, IdempotencyKeys keys, Duration ttl, Duration lease,
            Duration firstPoll, Duration maxPoll) {
        this.keys = keys;
        this.ttlMillis = ascii(Long.toString(ttl.toMillis()));
        this.leaseMillis = ascii(Long.toString(lease.toMillis()));
        this.endedChannel = ascii(keys.endedChannel());
        this.firstPollNanos = firstPoll.toNanos();
        this.maxPollNanos = maxPoll.toNanos();
        // last: the subscription may be made on another thread before this constructor returns
        this.commands = new Reconnecting<>(() -> link.connect(CODEC)
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(link.unusable("idempotency", failure))));
        this.ended = new Reconnecting<>(() -> link.connectPubSub(StringCodec.UTF8).thenCompose(this::subscribe));
    }

    /**
     * Opens two connections on {@code link} (commands, and the "ended" subscription), closed by
     * {@link #close()}; the link stays the caller's. Ready at once: the connections are made in
     * the background, and while Redis cannot be reached claims fail with the reason (a waiting
     * claim also looks again now and then, so a subscription made late misses nothing). Never
     * blocks.
     *
     * @param namespace first part of every key, e.g. {@code lg}
     * @param ttl       how long an answer is kept
     * @param lease     how long a claim owns its slot without completing or abandoning
     */
    public static CompletionStage<IdempotencyStore> connect(RedisLink link, String namespace,
            Duration ttl, Duration lease) {
        return connect(link, namespace, ttl, lease, FIRST_POLL, MAX_POLL);
    }

    /** As above, looking again after {@code firstPoll}, doubling up to {@code maxPoll}, while waiting. */
    static CompletionStage<IdempotencyStore> connect(RedisLink link, String namespace,
            Duration ttl, Duration lease, Duration firstPoll, Duration maxPoll) {
        Objects.requireNonNull(link, "link");
        IdempotencyKeys keys = IdempotencyKeys.of(namespace);
        Arguments.checkTimes(ttl, lease);
        RedisIdempotencyStore store = new RedisIdempotencyStore(link, keys, ttl, lease, firstPoll, maxPoll);
        // a caller that needs the subscription at once (tests of the "ended" message) waits for it
        return store.ended.get().handle((subscribed, failure) -> store);
    }

    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> subscribe(
            StatefulRedisPubSubConnection<String, String> pubSub) {
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String scopeHash) {
                waiters.signal(scopeHash);
            }
        });
        return pubSub.async().subscribe(keys.endedChannel()).toCompletableFuture()
                .handle((subscribed, failure) -> {
                    if (failure != null) {
                        pubSub.closeAsync();
                        throw new CompletionException(failure);
                    }
                    return pubSub;
                });
    }

    @Override
    public CompletionStage<IdempotencyClaim> claim(String scope, String bodyHash, Duration wait) {
        Arguments.checkClaim(scope, bodyHash, wait);
        return attempt(keys.slot(scope), bodyHash, System.nanoTime() + wait.toNanos(), firstPollNanos);
    }

    private CompletionStage<IdempotencyClaim> attempt(IdempotencyKeys.Slot slot, String bodyHash, long deadlineNanos,
            long pollNanos) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the idempotency store is closed"));
        }
        CompletableFuture<Void> ended = waiters.register(slot.hash());
        String token = UUID.randomUUID().toString();
        CompletionStage<List<Object>> reply = withRedis(redis -> CLAIM.run(redis, ScriptOutputType.MULTI,
                slot.scriptKeys(), ascii(token + " " + bodyHash), leaseMillis));
        return reply.thenCompose(result -> {
            String kind = new String((byte[]) result.get(0), StandardCharsets.UTF_8);
            switch (kind) {
                case "first":
                    waiters.unregister(slot.hash(), ended);
                    return CompletableFuture.completedFuture(new IdempotencyClaim.First(token));
                case "answer":
                    waiters.unregister(slot.hash(), ended);
                    return CompletableFuture.completedFuture(answered((byte[]) result.get(1), bodyHash));
                case "running":
                    break;
                default:
                    throw new IllegalStateException("claim script answered '" + kind + "'");
            }
            String lock = new String((byte[]) result.get(1), StandardCharsets.UTF_8);
            long remaining = deadlineNanos - System.nanoTime();
            if (!lock.substring(lock.indexOf(' ') + 1).equals(bodyHash)) {
                waiters.unregister(slot.hash(), ended);
                return CompletableFuture.completedFuture(new IdempotencyClaim.Conflict());
            }
            if (remaining <= 0) {
                waiters.unregister(slot.hash(), ended);
                return CompletableFuture.completedFuture(new IdempotencyClaim.InFlight());
            }
            return ended.completeOnTimeout(null, Math.min(remaining, pollNanos), TimeUnit.NANOSECONDS)
                    .thenCompose(ignored -> {
                        waiters.unregister(slot.hash(), ended);
                        return attempt(slot, bodyHash, deadlineNanos, Math.min(pollNanos * 2, maxPollNanos));
                    });
        }).whenComplete((claim, failure) -> {
            if (failure != null) {
                waiters.unregister(slot.hash(), ended);
            }
        });
    }

    /** The stored value is {@code <body hash>\n<answer bytes>}. */
    private static IdempotencyClaim answered(byte[] stored, String bodyHash) {
        int newline = 0;
        while (newline < stored.length && stored[newline] != '\n') {
            newline++;
        }
        if (newline == stored.length) {
            throw new IllegalStateException("stored answer has no body hash");
        }
        String storedHash = new String(stored, 0, newline, StandardCharsets.UTF_8);
        if (!storedHash.equals(bodyHash)) {
            return new IdempotencyClaim.Conflict();
        }
        return new IdempotencyClaim.Replay(AnswerCodec.decode(stored, newline + 1));
    }

    @Override
    public CompletionStage<Boolean> complete(String scope, String token, StoredAnswer answer) {
        Arguments.checkOwner(scope, token);
        Objects.requireNonNull(answer, "answer");
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the idempotency store is closed"));
        }
        IdempotencyKeys.Slot slot = keys.slot(scope);
        return withRedis(redis -> COMPLETE.<Long, String, byte[]>run(redis, ScriptOutputType.INTEGER, slot.scriptKeys(),
                ascii(token), AnswerCodec.encode(answer), ttlMillis, endedChannel, ascii(slot.hash())))
                .thenApply(done -> done == 1L);
    }

    @Override
    public CompletionStage<Boolean> abandon(String scope, String token) {
        Arguments.checkOwner(scope, token);
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the idempotency store is closed"));
        }
        IdempotencyKeys.Slot slot = keys.slot(scope);
        return withRedis(redis -> ABANDON.<Long, String, byte[]>run(redis, ScriptOutputType.INTEGER, slot.scriptKeys(),
                ascii(token), endedChannel, ascii(slot.hash()))).thenApply(done -> done == 1L);
    }

    @Override
    public CompletionStage<Boolean> renew(String scope, String token) {
        Arguments.checkOwner(scope, token);
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the idempotency store is closed"));
        }
        IdempotencyKeys.Slot slot = keys.slot(scope);
        return withRedis(redis -> RENEW.<Long, String, byte[]>run(redis, ScriptOutputType.INTEGER, slot.scriptKeys(),
                ascii(token), leaseMillis)).thenApply(done -> done == 1L);
    }

    /** How many claims of this store are waiting for a running call now (for tests). */
    public int waiting() {
        return waiters.count();
    }

    /** Closes both connections (not the link); waiting claims fail. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        waiters.signalAll();
        ended.close().thenAccept(StatefulRedisPubSubConnection::closeAsync);
        commands.close().thenAccept(RedisConnection::closeAsync);
    }

    /** Runs a command once connected; also makes the subscription again if it could not be made before. */
    private <T> CompletionStage<T> withRedis(Function<RedisClusterAsyncCommands<String, byte[]>, CompletionStage<T>> call) {
        ended.get();
        return commands.get().thenCompose(open -> call.apply(open.commands()));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

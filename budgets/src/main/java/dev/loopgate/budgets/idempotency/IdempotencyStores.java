package dev.loopgate.budgets.idempotency;

import dev.loopgate.budgets.idempotency.internal.InMemoryIdempotencyStore;
import dev.loopgate.budgets.idempotency.internal.RedisIdempotencyStore;
import dev.loopgate.budgets.redis.RedisLink;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Makes {@link IdempotencyStore}s: in memory for one process, or shared by every replica through Redis. */
public final class IdempotencyStores {
    /** How long a first answer is given again. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    /**
     * How long a claim owns its slot without completing, abandoning or renewing: an owner renews
     * it while its call runs, so a crashed owner's slot is free again within this.
     */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(5);

    private IdempotencyStores() {
    }

    /** In memory, system clock, {@link #DEFAULT_TTL}, {@link #DEFAULT_LEASE}, at most 100 000 slots. */
    public static IdempotencyStore inMemory() {
        return inMemory(Clock.systemUTC(), DEFAULT_TTL, DEFAULT_LEASE, InMemoryIdempotencyStore.DEFAULT_MAX_ENTRIES);
    }

    /**
     * In memory for one process.
     *
     * @param clock      when answers and leases expire
     * @param maxEntries how many slots are kept at most (the oldest is dropped first)
     */
    public static IdempotencyStore inMemory(Clock clock, Duration ttl, Duration lease, int maxEntries) {
        return new InMemoryIdempotencyStore(clock, ttl, lease, maxEntries);
    }

    /**
     * In Redis, shared by every replica using the same {@code namespace}. Opens two connections on
     * {@code link} (closed by {@link IdempotencyStore#close()}; the link stays yours). Completes
     * once ready; fails with the reason Redis cannot be used.
     */
    public static CompletionStage<IdempotencyStore> redis(RedisLink link, String namespace,
            Duration ttl, Duration lease) {
        return RedisIdempotencyStore.connect(link, namespace, ttl, lease);
    }
}

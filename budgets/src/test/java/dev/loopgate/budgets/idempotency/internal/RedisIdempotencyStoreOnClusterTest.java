package dev.loopgate.budgets.idempotency.internal;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link RedisIdempotencyStoreTest} on a local Redis Cluster of 3 masters and 3 replicas. */
class RedisIdempotencyStoreOnClusterTest extends RedisIdempotencyStoreTest {
    @Override
    protected TestRedis where() {
        return TestRedis.cluster();
    }
}

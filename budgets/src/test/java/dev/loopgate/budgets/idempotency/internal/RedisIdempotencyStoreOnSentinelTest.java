package dev.loopgate.budgets.idempotency.internal;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link RedisIdempotencyStoreTest} on a master found through a local Sentinel. */
class RedisIdempotencyStoreOnSentinelTest extends RedisIdempotencyStoreTest {
    @Override
    protected TestRedis where() {
        return TestRedis.sentinel();
    }
}

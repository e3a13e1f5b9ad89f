package dev.loopgate.budgets.ratelimit.internal;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link RedisRateLimiterTest} on a local Redis Cluster of 3 masters and 3 replicas. */
class RedisRateLimiterOnClusterTest extends RedisRateLimiterTest {
    @Override
    protected TestRedis where() {
        return TestRedis.cluster();
    }
}

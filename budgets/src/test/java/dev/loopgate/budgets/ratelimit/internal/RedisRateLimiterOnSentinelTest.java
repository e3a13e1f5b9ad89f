package dev.loopgate.budgets.ratelimit.internal;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link RedisRateLimiterTest} on a master found through a local Sentinel. */
class RedisRateLimiterOnSentinelTest extends RedisRateLimiterTest {
    @Override
    protected TestRedis where() {
        return TestRedis.sentinel();
    }
}

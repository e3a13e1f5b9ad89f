package dev.loopgate.gateway.auth;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link RedisKeyStoreTest} on a master found through a local Sentinel. */
class RedisKeyStoreOnSentinelTest extends RedisKeyStoreTest {
    @Override
    protected TestRedis where() {
        return TestRedis.sentinel();
    }
}

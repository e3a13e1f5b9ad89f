package dev.loopgate.gateway.rules.store;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link RedisRulesStoreTest} on a master found through a local Sentinel. */
class RedisRulesStoreOnSentinelTest extends RedisRulesStoreTest {
    @Override
    protected TestRedis where() {
        return TestRedis.sentinel();
    }
}

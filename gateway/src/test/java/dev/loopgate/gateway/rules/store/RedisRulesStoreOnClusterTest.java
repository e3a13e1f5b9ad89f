package dev.loopgate.gateway.rules.store;

import dev.loopgate.budgets.testkit.TestRedis;

/** The rules store contract on a local Redis Cluster of 3 masters and 3 replicas (pub/sub across its nodes too). */
class RedisRulesStoreOnClusterTest extends RedisRulesStoreTest {
    @Override
    protected TestRedis where() {
        return TestRedis.cluster();
    }
}

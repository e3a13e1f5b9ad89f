package dev.loopgate.gateway.auth;

import dev.loopgate.budgets.testkit.TestRedis;

/** The key store contract on a local Redis Cluster of 3 masters and 3 replicas. */
class RedisKeyStoreOnClusterTest extends RedisKeyStoreTest {
    @Override
    protected TestRedis where() {
        return TestRedis.cluster();
    }
}

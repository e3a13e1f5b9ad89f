package dev.loopgate.budgets.responses;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link ResponseStoreTest} on a local Redis Cluster of 3 masters and 3 replicas. */
class ResponseStoreOnClusterTest extends ResponseStoreTest {
    @Override
    protected TestRedis where() {
        return TestRedis.cluster();
    }
}

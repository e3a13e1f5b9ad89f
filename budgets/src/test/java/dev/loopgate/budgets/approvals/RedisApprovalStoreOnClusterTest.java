package dev.loopgate.budgets.approvals;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link RedisApprovalStoreTest} on a local Redis Cluster of 3 masters and 3 replicas. */
class RedisApprovalStoreOnClusterTest extends RedisApprovalStoreTest {
    @Override
    protected TestRedis where() {
        return TestRedis.cluster();
    }
}

package dev.loopgate.budgets.approvals;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link RedisApprovalStoreTest} through a local Sentinel. */
class RedisApprovalStoreOnSentinelTest extends RedisApprovalStoreTest {
    @Override
    protected TestRedis where() {
        return TestRedis.sentinel();
    }
}

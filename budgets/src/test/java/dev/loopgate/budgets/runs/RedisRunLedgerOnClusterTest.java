package dev.loopgate.budgets.runs;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link RedisRunLedgerTest} on a local Redis Cluster of 3 masters and 3 replicas. */
class RedisRunLedgerOnClusterTest extends RedisRunLedgerTest {
    @Override
    protected TestRedis where() {
        return TestRedis.cluster();
    }
}

package dev.loopgate.budgets.ledger;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link RedisBudgetLedgerTest} on a local Redis Cluster of 3 masters and 3 replicas. */
class RedisBudgetLedgerOnClusterTest extends RedisBudgetLedgerTest {
    @Override
    protected TestRedis where() {
        return TestRedis.cluster();
    }
}

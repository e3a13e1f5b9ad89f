package dev.loopgate.budgets.ledger;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link RedisBudgetLedgerTest} on a master found through a local Sentinel. */
class RedisBudgetLedgerOnSentinelTest extends RedisBudgetLedgerTest {
    @Override
    protected TestRedis where() {
        return TestRedis.sentinel();
    }
}

package dev.loopgate.budgets.runs;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link RedisRunLedgerTest} through a local Sentinel. */
class RedisRunLedgerOnSentinelTest extends RedisRunLedgerTest {
    @Override
    protected TestRedis where() {
        return TestRedis.sentinel();
    }
}

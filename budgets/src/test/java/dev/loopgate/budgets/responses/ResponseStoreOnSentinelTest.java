package dev.loopgate.budgets.responses;

import dev.loopgate.budgets.testkit.TestRedis;

/** The tests of {@link ResponseStoreTest} on a master found through a local Sentinel. */
class ResponseStoreOnSentinelTest extends ResponseStoreTest {
    @Override
    protected TestRedis where() {
        return TestRedis.sentinel();
    }
}

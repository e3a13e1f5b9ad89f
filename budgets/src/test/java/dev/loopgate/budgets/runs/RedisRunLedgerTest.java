package dev.loopgate.budgets.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.Await;
import dev.loopgate.budgets.testkit.TestRedis;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract on the real Redis, each test in a namespace of its own; and the key layout. */
class RedisRunLedgerTest extends RunLedgerContract {
    private final TestRedis redis = where();
    private final String namespace = TestRedis.freshNamespace();

    /** The single node; subclasses run the same tests on a Cluster or through Sentinel. */
    protected TestRedis where() {
        return TestRedis.single();
    }

    @Override
    protected RunLedger newLedger() {
        return RunLedgers.redis(redis.link(), namespace);
    }

    @AfterEach
    void deleteNamespace() {
        redis.deleteNamespace(namespace);
    }

    @Test
    void aRunLivesInItsLoopsHashSlotAndExpiresAfterItsRetention() {
        try (RunLedger ledger = newLedger()) {
            Await.result(ledger.hold(new RunHold("loop-k", "run-1", "h1", 1, 1, RunLimits.NONE, 10, 1)));
            String run = namespace + ":v1:loop:{loop-k}:run:run-1";
            String runs = namespace + ":v1:loop:{loop-k}:runs";
            assertEquals(SlotHash.getSlot(namespace + ":v1:loop:{loop-k}:state"), SlotHash.getSlot(run));
            assertEquals(SlotHash.getSlot(run), SlotHash.getSlot(runs));
            long ttl = redis.commands().pttl(run);
            assertTrue(ttl > RunLedgers.RETENTION.toMillis() - 60_000 && ttl <= RunLedgers.RETENTION.toMillis(), "ttl " + ttl);
            assertTrue(redis.commands().pttl(runs) > 0);
        }
    }
}

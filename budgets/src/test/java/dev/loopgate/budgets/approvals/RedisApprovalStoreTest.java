package dev.loopgate.budgets.approvals;

import static dev.loopgate.budgets.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.FakeClock;
import dev.loopgate.budgets.testkit.TestRedis;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract on the real Redis, each test in a namespace of its own; and the key layout and retention. */
class RedisApprovalStoreTest extends ApprovalStoreContract {
    private final TestRedis redis = where();
    private final String namespace = TestRedis.freshNamespace();

    /** The single node; subclasses run the same tests on a Cluster or through Sentinel. */
    protected TestRedis where() {
        return TestRedis.single();
    }

    @Override
    protected ApprovalStore newStore(FakeClock clock) {
        return ApprovalStores.redis(redis.link(), namespace);
    }

    @AfterEach
    void deleteNamespace() {
        redis.deleteNamespace(namespace);
    }

    @Test
    void approvalsShareOneHashSlotAndAreKeptForTheirRetention() {
        ApprovalStore store = store();
        Approval held = pending("loop-k", null, "req-1", T0);
        result(store.hold(held));
        String approval = namespace + ":v1:{approvals}:a:" + held.id();
        String request = namespace + ":v1:{approvals}:req:loop-k:req-1";
        assertEquals(SlotHash.getSlot(approval), SlotHash.getSlot(namespace + ":v1:{approvals}:all"));
        assertEquals(SlotHash.getSlot(approval), SlotHash.getSlot(request));
        long retention = ApprovalStores.RETENTION.toMillis();
        for (String key : new String[] {approval, request}) {
            long ttl = redis.commands().pttl(key);
            assertTrue(ttl > retention - 60_000 && ttl <= retention, key + " ttl " + ttl);
        }
        redis.commands().pexpire(approval, 1_000);
        result(store.decide(held.id(), true, "ok", "ops", T0 + 1));
        assertTrue(redis.commands().pttl(approval) > retention - 60_000, "a decision keeps it a retention more");
    }
}

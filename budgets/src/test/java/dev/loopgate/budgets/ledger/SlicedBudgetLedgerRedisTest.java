package dev.loopgate.budgets.ledger;

import static dev.loopgate.budgets.ledger.BudgetLedgerContract.T0;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.TTL;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.USD;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.allowed;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.await;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.cents;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.usdLimit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.ledger.internal.RedisBudgetLedger;
import dev.loopgate.budgets.ledger.internal.SlicedBudgetLedger;
import dev.loopgate.budgets.redis.RedisEndpoint;
import dev.loopgate.budgets.redis.RedisLink;
import dev.loopgate.budgets.testkit.Await;
import dev.loopgate.budgets.testkit.TestRedis;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The slice over the real {@link RedisBudgetLedger} (Redis at 127.0.0.1:6379; fails, never skips,
 * without it): an unreachable Redis is served from the slice, and local charges replayed into a
 * reachable one land in its buckets.
 */
class SlicedBudgetLedgerRedisTest {
    private static TestRedis redis;

    private final String namespace = TestRedis.freshNamespace();
    private final TestClock clock = new TestClock(T0);

    @BeforeAll
    static void connect() {
        redis = TestRedis.connect();
    }

    @AfterAll
    static void disconnect() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void deleteNamespace() {
        redis.deleteNamespace(namespace);
    }

    @Test
    void unreachableRedisIsServedFromTheSliceAndAdminCallsFail() {
        RedisLink unreachable = RedisLink.create(RedisEndpoint.single("redis://127.0.0.1:1"));
        try (SlicedBudgetLedger ledger = new SlicedBudgetLedger(
                BudgetLedgers.redis(unreachable, namespace, TTL, clock, LedgerHistory.NONE), 0.1, TTL, clock)) {
            Reservation held = allowed(await(ledger.reserve(new Call("l").worst(cents(10)).limits(usdLimit(USD)).at(T0))))
                    .reservation();
            assertTrue(ledger.usingLocalSlice());
            assertEquals(cents(7), await(ledger.settle(held, new Settlement(cents(7), 10, false), usdLimit(USD),
                    BreakerSettings.OFF, T0 + 1)).spentNanos());
            assertTrue(Await.failure(ledger.status("l")).getMessage()
                    .startsWith("budget ledger: cannot use Redis at 127.0.0.1:1: "));
            assertEquals(1, await(ledger.reconcile()), "the charge stays queued");
        } finally {
            unreachable.shutdown();
        }
    }

    @Test
    void chargesReplayedIntoRedisLandInTheirBuckets() {
        RedisBudgetLedger real = BudgetLedgers.redis(redis.link(), namespace, TTL, clock, LedgerHistory.NONE);
        SwitchableLedger primary = new SwitchableLedger(real, null);
        try (SlicedBudgetLedger ledger = new SlicedBudgetLedger(primary, 0.1, TTL, clock)) {
            List<Trip> reported = new CopyOnWriteArrayList<>();
            ledger.onTrip(reported::add);
            await(real.ready());
            BudgetLimits daily = usdLimit(cents(50), Period.DAY);
            spend(ledger, new Call("l").limits(daily), cents(45), T0);
            primary.down();
            spend(ledger, new Call("l").limits(daily), cents(4), T0 + 1);
            spend(ledger, new Call("l").limits(daily), cents(1), T0 + 2);
            assertEquals(2, ledger.pendingReplays());

            primary.up();
            clock.set(T0 + 3);
            assertEquals(0, await(ledger.reconcile()));
            LoopStatus status = await(real.status("l"));
            assertEquals(cents(50), status.spentNanos());
            assertEquals(30, status.tokens());
            assertEquals(1, status.steps(), "steps taken in the slice are not replayed");
            Trip trip = new Trip("l", Breaker.HARD_BUDGET, "spent $0.5 of the $0.5 budget for 2025-06-15", T0 + 3);
            assertEquals(List.of(trip), reported);
            assertEquals(trip, status.pausedBy());
            assertEquals(List.of(namespace + ":v1:loop:{l}:b:d:2025-06-15"), redis.keys(namespace).stream()
                    .filter(key -> key.contains(":b:")).toList());
        }
    }

    private static void spend(BudgetLedger ledger, Call call, long nanos, long nowMillis) {
        Reservation held = allowed(await(ledger.reserve(call.worst(nanos).at(nowMillis)))).reservation();
        await(ledger.settle(held, new Settlement(nanos, 10, false), usdLimit(cents(50), Period.DAY), BreakerSettings.OFF,
                nowMillis));
    }
}

package dev.loopgate.budgets.ledger;

import dev.loopgate.budgets.ledger.internal.RedisBudgetLedger;
import dev.loopgate.budgets.testkit.Await;
import dev.loopgate.budgets.testkit.TestRedis;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The contract on the ledger of {@code on_redis_down: allow} while Redis answers: a sliced
 * ledger over the real Redis must keep every rule the Redis ledger keeps (its slices are
 * covered by {@link SlicedBudgetLedgerTest}).
 */
class SlicedBudgetLedgerContractTest extends BudgetLedgerContract {
    private final TestRedis redis = TestRedis.single();
    private final String namespace = TestRedis.freshNamespace();
    private final List<RedisBudgetLedger> opened = new ArrayList<>();

    @Override
    protected BudgetLedger newLedger(long reservationTtlMillis, Clock clock) {
        RedisBudgetLedger shared = BudgetLedgers.redis(redis.link(), namespace, reservationTtlMillis, clock,
                LedgerHistory.NONE);
        opened.add(shared);
        Await.result(shared.ready());
        return BudgetLedgers.sliced(shared, 0.1, reservationTtlMillis, clock, null);
    }

    @AfterEach
    void deleteNamespace() {
        opened.forEach(ledger -> Await.result(ledger.closeAsync()));
        redis.deleteNamespace(namespace);
    }
}

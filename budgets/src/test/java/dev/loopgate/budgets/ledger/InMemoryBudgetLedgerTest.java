package dev.loopgate.budgets.ledger;

import dev.loopgate.budgets.ledger.internal.InMemoryBudgetLedger;
import java.time.Clock;

class InMemoryBudgetLedgerTest extends BudgetLedgerContract {
    @Override
    protected BudgetLedger newLedger(long reservationTtlMillis, Clock clock) {
        return new InMemoryBudgetLedger(reservationTtlMillis, clock);
    }
}

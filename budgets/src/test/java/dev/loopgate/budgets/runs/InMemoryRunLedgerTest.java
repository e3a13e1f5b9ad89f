package dev.loopgate.budgets.runs;

/** The contract in this process. */
class InMemoryRunLedgerTest extends RunLedgerContract {
    @Override
    protected RunLedger newLedger() {
        return RunLedgers.inMemory();
    }
}

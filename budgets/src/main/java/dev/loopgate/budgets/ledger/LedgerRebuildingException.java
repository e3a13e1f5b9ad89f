package dev.loopgate.budgets.ledger;

/**
 * The ledger is being written back from its {@link LedgerHistory} after Redis lost it: reserves
 * are refused until it is, so no loop spends against a budget that forgot what it spent.
 */
public final class LedgerRebuildingException extends IllegalStateException {
    public LedgerRebuildingException(String message) {
        super(message);
    }
}

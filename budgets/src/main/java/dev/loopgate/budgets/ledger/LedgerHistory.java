package dev.loopgate.budgets.ledger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a ledger that Redis lost is read back from: the durable record of what every loop was
 * charged (the gateway's audit store). {@link RedisBudgetLedger} reads it when it finds Redis
 * without its ledger (restarted without persistence, or flushed), before it serves again.
 */
public interface LedgerHistory {
    /** No history: a lost ledger starts again from zero (tests, and stores without an audit). */
    LedgerHistory NONE = nowMillis -> CompletableFuture.completedFuture(LedgerSnapshot.EMPTY);

    /** What every loop and key had been charged by {@code nowMillis}, in the buckets current then. */
    CompletionStage<LedgerSnapshot> read(long nowMillis);

    /** Told once the ledger was written back from {@code snapshot} under the new {@code epoch}. */
    default void restored(LedgerSnapshot snapshot, String epoch, long nowMillis) {
    }
}

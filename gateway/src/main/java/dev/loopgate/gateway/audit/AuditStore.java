package dev.loopgate.gateway.audit;

import dev.loopgate.budgets.ledger.LedgerSnapshot;
import java.util.List;

/**
 * The audit rows, hash-chained per gateway instance, and the queries finance reads. JDBC
 * and blocking: called only from the audit writer's thread and from worker threads.
 */
public interface AuditStore extends AutoCloseable {
    /** Appends {@code entries} to this instance's chain, in order, in one transaction; fails as a whole. */
    void append(List<AuditEntry> entries);

    /** Walks every chain; names the first row that breaks each, or says the store is intact. */
    VerifyReport verify();

    /** Deletes rows older than {@code beforeMillis}, leaving a checkpoint so the rest still verifies; how many went. */
    long purge(long beforeMillis);

    /** Rows in the store. */
    long count();

    SpendReport spend(SpendQuery query);

    LoopReport loop(String loopId, long fromMillis, long toMillis);

    /** Calls served in {@code [from, to)}, newest first, at most {@code limit}: recorded traffic for the rules replay. */
    RecordedTraffic recordedCalls(long fromMillis, long toMillis, int limit);

    /** What every loop and key was charged by {@code nowMillis}, from one consistent read: to rebuild a lost ledger. */
    LedgerSnapshot ledgerHistory(long nowMillis);

    @Override
    void close();
}

package dev.loopgate.budgets.ledger;

import dev.loopgate.budgets.ledger.internal.InMemoryBudgetLedger;
import dev.loopgate.budgets.ledger.internal.RedisBudgetLedger;
import dev.loopgate.budgets.ledger.internal.SlicedBudgetLedger;
import dev.loopgate.budgets.redis.RedisLink;
import java.nio.file.Path;
import java.time.Clock;

/** Makes {@link BudgetLedger}s: in memory for one process, shared through Redis, or Redis with local slices. */
public final class BudgetLedgers {
    private BudgetLedgers() {
    }

    /** One process's ledger; reservations left unsettled for {@code reservationTtlMillis} are charged in full. */
    public static InMemoryBudgetLedger inMemory(long reservationTtlMillis, Clock clock) {
        return new InMemoryBudgetLedger(reservationTtlMillis, clock);
    }

    /**
     * The ledger every replica shares, on a connection of its own from {@code link} (the link
     * stays the caller's). Never blocks: {@link RedisBudgetLedger#ready()} tells when it is
     * connected.
     *
     * @param namespace the first part of every key, e.g. {@code lg}
     * @param history   what the ledger is written back from when Redis lost it
     */
    public static RedisBudgetLedger redis(RedisLink link, String namespace, long reservationTtlMillis, Clock clock,
            LedgerHistory history) {
        return new RedisBudgetLedger(link, namespace, reservationTtlMillis, clock, history);
    }

    /**
     * {@code shared} while it answers; while it cannot, each loop spends from a local slice
     * ({@code slice} of what it had left), replayed into {@code shared} once it is back. The
     * replay queue is kept in {@code spoolDir} (null: in memory only), so it survives a restart.
     */
    public static SlicedBudgetLedger sliced(BudgetLedger shared, double slice, long reservationTtlMillis, Clock clock,
            Path spoolDir) {
        return new SlicedBudgetLedger(shared, slice, reservationTtlMillis, clock, spoolDir);
    }
}

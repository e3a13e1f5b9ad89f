package dev.loopgate.gateway.guard;

import dev.loopgate.budgets.ledger.LedgerHistory;
import dev.loopgate.budgets.ledger.LedgerSnapshot;
import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditLog;
import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit store as the budget ledger's history: when Redis comes back without the ledger,
 * every loop is written back from what its audit rows say it was charged. When there is any
 * history, it is read again a moment later, so rows the replicas' audit writers still queued
 * (they flush every 200 ms) are in it; an empty store (a new deployment) is read once. Reads
 * run on a worker thread.
 */
public final class AuditLedgerHistory implements LedgerHistory {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLedgerHistory.class);
    /** Two flushes of every replica's audit writer. */
    static final Duration QUEUED_ROWS_LAND = Duration.ofMillis(400);

    private final Vertx vertx;
    private final AuditStore store;
    private final AuditLog audit;

    public AuditLedgerHistory(Vertx vertx, AuditStore store, AuditLog audit) {
        this.vertx = vertx;
        this.store = store;
        this.audit = audit;
    }

    @Override
    public CompletionStage<LedgerSnapshot> read(long nowMillis) {
        LOG.warn("Redis holds no budget ledger (new, restarted without persistence, or flushed): rebuilding it from"
                + " the audit store");
        CompletableFuture<LedgerSnapshot> snapshot = new CompletableFuture<>();
        readStore(nowMillis).onSuccess(first -> {
            if (first.loops().isEmpty() && first.keySpentTodayNanos().isEmpty()) {
                snapshot.complete(first);
            } else {
                vertx.setTimer(QUEUED_ROWS_LAND.toMillis(), id -> readStore(nowMillis).onComplete(again -> {
                    if (again.succeeded()) {
                        snapshot.complete(again.result());
                    } else {
                        snapshot.completeExceptionally(again.cause());
                    }
                }));
            }
        }).onFailure(snapshot::completeExceptionally);
        return snapshot;
    }

    private Future<LedgerSnapshot> readStore(long nowMillis) {
        return vertx.<LedgerSnapshot>executeBlocking(() -> store.ledgerHistory(nowMillis), false)
                .onFailure(failure -> LOG.error("could not read the audit store to rebuild the budget ledger: {}",
                        failure.toString()));
    }

    @Override
    public void restored(LedgerSnapshot snapshot, String epoch, long nowMillis) {
        LOG.warn("budget ledger rebuilt from the audit store: {} loops, {} keys' spend today (epoch {})",
                snapshot.loops().size(), snapshot.keySpentTodayNanos().size(), epoch);
        audit.append(AuditEntry.admin(nowMillis, "ledger.rebuild", LoopNotifier.BREAKER_ACTOR, null,
                Json.MAPPER.createObjectNode().put("epoch", epoch).put("loops", snapshot.loops().size())
                        .put("keys", snapshot.keySpentTodayNanos().size()).toString()));
    }
}

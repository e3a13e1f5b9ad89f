package dev.loopgate.gateway.guard;

import dev.loopgate.budgets.ledger.LedgerRebuildingException;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls into the budget store (ledger, rate limits, idempotency) from the event loop:
 * results come back on the caller's context, and a store that cannot answer becomes the
 * documented 503 {@code budget_store_unavailable}, never an unexplained 500. Remembers
 * whether the last call got through, for {@code /readyz}.
 */
public final class BudgetStore {
    private static final Logger LOG = LoggerFactory.getLogger(BudgetStore.class);

    private final AtomicBoolean reachable = new AtomicBoolean(true);

    public <T> Future<T> call(CompletionStage<T> stage) {
        Context context = Vertx.currentContext();
        Future<T> future = context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
        return future.transform(done -> {
            if (done.succeeded()) {
                if (reachable.compareAndSet(false, true)) {
                    LOG.info("budget store reachable again");
                }
                return Future.succeededFuture(done.result());
            }
            if (done.cause() instanceof GatewayException known) {
                return Future.failedFuture(known);
            }
            if (cause(done.cause()) instanceof LedgerRebuildingException) {
                return Future.failedFuture(new GatewayException(ErrorCode.LEDGER_REBUILDING, "Redis lost the budget"
                        + " ledger and it is being rebuilt from the audit store; calls are refused until it is, so no"
                        + " loop spends against a budget that forgot its spend. Retry shortly."));
            }
            if (reachable.compareAndSet(true, false)) {
                LOG.warn("budget store unavailable, refusing calls until it answers: {}", done.cause().toString());
            }
            return Future.failedFuture(new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE, "The budget store"
                    + " cannot be reached, so calls are refused rather than spent unguarded. Retry shortly."));
        });
    }

    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Whether the last call to the store got an answer. */
    public boolean isReachable() {
        return reachable.get();
    }
}

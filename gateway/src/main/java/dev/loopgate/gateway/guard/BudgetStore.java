package dev.loopgate.gateway.guard;

import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls into the budget store (ledger, rate limits, idempotency) from the event loop:
 * results come back on the caller's context, and a store that cannot answer becomes
 * the documented 503 {@code budget_store_unavailable} instead of an unexplained 500.
 */
public final class BudgetStore {
    private static final Logger LOG = LoggerFactory.getLogger(BudgetStore.class);

    private BudgetStore() {
    }

    public static <T> Future<T> call(CompletionStage<T> stage) {
        Context context = Vertx.currentContext();
        Future<T> future = context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
        return future.recover(failure -> Future.failedFuture(failure instanceof GatewayException ? failure : unavailable(failure)));
    }

    static GatewayException unavailable(Throwable cause) {
        LOG.warn("budget store unavailable: {}", cause.toString());
        return new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE,
                "The budget store cannot be reached, so calls are refused rather than spent unguarded. Retry shortly.");
    }
}

package dev.loopgate.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (it wants traffic: not while
 * draining, nor while the budget store cannot be reached, as every call would be refused).
 */
final class HealthHandlers {
    private HealthHandlers() {
    }

    static Handler<RoutingContext> liveness() {
        return ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("{\"status\":\"ok\"}");
    }

    /**
     * @param localSlice calls are being served from local budget slices (Redis down, allow policy):
     *        still ready, and said so
     */
    static Handler<RoutingContext> readiness(BooleanSupplier ready, BooleanSupplier budgetStoreReachable,
            BooleanSupplier localSlice) {
        return ctx -> {
            boolean serving = ready.getAsBoolean();
            boolean budgets = budgetStoreReachable.getAsBoolean();
            String status = !serving ? "draining" : budgets ? "ready" : "budget_store_unavailable";
            String store = !budgets ? "down" : localSlice.getAsBoolean() ? "local_slice" : "up";
            ctx.response()
                    .setStatusCode(serving && budgets ? 200 : 503)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end("{\"status\":\"" + status + "\",\"budget_store\":\"" + store + "\"}");
        };
    }
}

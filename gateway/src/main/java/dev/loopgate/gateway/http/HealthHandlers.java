package dev.loopgate.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/** {@code /healthz} (the process answers) and {@code /readyz} (it wants traffic: false while draining). */
final class HealthHandlers {
    private HealthHandlers() {
    }

    static Handler<RoutingContext> liveness() {
        return ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("{\"status\":\"ok\"}");
    }

    static Handler<RoutingContext> readiness(BooleanSupplier ready) {
        return ctx -> {
            boolean isReady = ready.getAsBoolean();
            ctx.response()
                    .setStatusCode(isReady ? 200 : 503)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(isReady ? "{\"status\":\"ready\"}" : "{\"status\":\"draining\"}");
        };
    }
}

package dev.loopgate.gateway.pipeline;

import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.rules.RequestedModelRouter;
import dev.loopgate.rules.RouteDecision;
import io.vertx.core.Future;

/** Decides the tier and the ordered targets of a call, and says so in the response headers. */
public final class RouteStage implements Stage {
    private final RequestedModelRouter router;

    public RouteStage(RequestedModelRouter router) {
        this.router = router;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        String requested = exchange.request().requestedModel();
        RouteDecision decision = router.route(requested).orElseThrow(() -> new GatewayException(
                ErrorCode.INVALID_REQUEST,
                "The model '" + requested + "' does not exist here. Use one of: " + router.validNames() + ".",
                "model"));
        exchange.route(decision);
        if (decision.tier() != null) {
            exchange.responseHeaders().set(ResponseHeaders.TIER, decision.tier());
        }
        exchange.responseHeaders().set(ResponseHeaders.RULE, decision.rule());
        return next.proceed(exchange);
    }
}

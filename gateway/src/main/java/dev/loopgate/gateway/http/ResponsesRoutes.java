package dev.loopgate.gateway.http;

import dev.loopgate.budgets.responses.ResponseStore;
import dev.loopgate.budgets.responses.StoredResponse;
import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET} and {@code DELETE /v1/responses/{id}}: a response the gateway kept (one served
 * through the hub, not {@code store: false}), for the key that made it; to any other key, and
 * for an id it never kept, it does not exist.
 */
final class ResponsesRoutes {
    private final ApiKeyRegistry keys;
    private final BudgetStore store;
    private final ResponseStore responses;

    ResponsesRoutes(ApiKeyRegistry keys, BudgetStore store, ResponseStore responses) {
        this.keys = keys;
        this.store = store;
        this.responses = responses;
    }

    void mount(Router router) {
        router.get("/v1/responses/:id").handler(this::get);
        router.delete("/v1/responses/:id").handler(this::delete);
    }

    private void get(RoutingContext ctx) {
        answer(ctx, owned(ctx).map(kept -> kept.response()));
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        answer(ctx, owned(ctx).compose(kept -> store.call(responses.delete(id)))
                .map(deleted -> Json.MAPPER.createObjectNode().put("id", id).put("object", "response")
                        .put("deleted", true).toString()));
    }

    /** The kept response, if the calling key made it; else a 404 that says no more. */
    private Future<StoredResponse> owned(RoutingContext ctx) {
        KeyConfig key;
        try {
            key = keys.modelCaller(ctx.request().headers(), "'Authorization: Bearer <key>'");
        } catch (GatewayException refused) {
            return Future.failedFuture(refused);
        }
        String id = ctx.pathParam("id");
        return store.call(responses.get(id)).compose(found -> found.filter(kept -> kept.owner().equals(key.name()))
                .map(Future::succeededFuture)
                .orElseGet(() -> Future.failedFuture(new GatewayException(ErrorCode.NOT_FOUND,
                        "No response with id '" + id + "' is kept here.", "id"))));
    }

    private static void answer(RoutingContext ctx, Future<String> body) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("x-request-id", RequestIds.of(ctx.request()));
        body.onComplete(done -> {
            if (done.failed()) {
                ErrorResponses.send(ctx.response(), headers, done.cause());
            } else if (!ctx.response().closed()) {
                ctx.response().headers().addAll(headers);
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(done.result());
            }
        });
    }
}

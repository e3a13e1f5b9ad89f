package dev.loopgate.gateway.http;

import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.config.KeyConfig;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Checks a model call's key on its head, before a byte of its body is read, so that a client
 * without a key cannot make the gateway buffer anything. A call without a key that may call
 * models goes straight to the pipeline with no body (the pipeline answers and audits the
 * refusal as for any call), and its connection is closed instead of read to the end.
 */
final class KeyBeforeBody implements Handler<RoutingContext> {
    private final ApiKeyRegistry keys;
    private final Handler<RoutingContext> refusedCall;

    KeyBeforeBody(ApiKeyRegistry keys, Handler<RoutingContext> refusedCall) {
        this.keys = keys;
        this.refusedCall = refusedCall;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<KeyConfig> key = keys.fromHeaders(ctx.request().headers());
        if (key.isPresent() && key.get().role().callsModels()) {
            ctx.next();
            return;
        }
        ctx.request().pause();
        ErrorResponses.closeAfterAnswer(ctx);
        refusedCall.handle(ctx);
    }
}

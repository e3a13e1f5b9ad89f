package dev.loopgate.gateway.pipeline;

import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.call.Dialect;
import dev.loopgate.gateway.call.Reply;
import io.vertx.core.Future;

/** Admits loop and admin keys; anything else is refused before the body is even parsed. */
public final class AuthenticateStage implements Stage {
    private final ApiKeyRegistry keys;

    public AuthenticateStage(ApiKeyRegistry keys) {
        this.keys = keys;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        exchange.key(keys.modelCaller(exchange.requestHeaders(), exchange.endpoint().dialect() == Dialect.ANTHROPIC
                ? "'Authorization: Bearer <key>' or 'x-api-key: <key>'" : "'Authorization: Bearer <key>'"));
        return next.proceed(exchange);
    }
}

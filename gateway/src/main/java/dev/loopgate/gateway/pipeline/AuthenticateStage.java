package dev.loopgate.gateway.pipeline;

import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.call.Dialect;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;

/** Admits loop and admin keys; anything else is refused before the body is even parsed. */
public final class AuthenticateStage implements Stage {
    private final ApiKeyRegistry keys;

    public AuthenticateStage(ApiKeyRegistry keys) {
        this.keys = keys;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        if (!ApiKeyRegistry.presentsKey(exchange.requestHeaders())) {
            throw new GatewayException(ErrorCode.INVALID_API_KEY, "No API key provided. Send your loop key as"
                    + " 'Authorization: Bearer <key>'" + (exchange.endpoint().dialect() == Dialect.ANTHROPIC
                            ? " or 'x-api-key: <key>'." : "."));
        }
        KeyConfig key = keys.fromHeaders(exchange.requestHeaders()).orElseThrow(() -> new GatewayException(
                ErrorCode.INVALID_API_KEY, "Incorrect API key provided."));
        if (!key.role().callsModels()) {
            throw new GatewayException(ErrorCode.FORBIDDEN,
                    "Key '" + key.name() + "' has role finance, which may read reports but not call models.");
        }
        exchange.key(key);
        return next.proceed(exchange);
    }
}

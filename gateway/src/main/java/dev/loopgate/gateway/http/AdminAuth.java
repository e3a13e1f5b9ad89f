package dev.loopgate.gateway.http;

import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.auth.Role;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** Lets only admin keys through to {@code /admin/*}; the key is kept for the handlers as the author of changes. */
final class AdminAuth implements Handler<RoutingContext> {
    private static final String KEY = "loopgate.admin-key";

    private final ApiKeyRegistry keys;

    AdminAuth(ApiKeyRegistry keys) {
        this.keys = keys;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        Optional<KeyConfig> key = keys.fromAuthorization(authorization);
        if (key.isEmpty()) {
            ctx.fail(new GatewayException(ErrorCode.INVALID_API_KEY,
                    authorization == null ? "No API key provided." : "Incorrect API key provided."));
        } else if (key.get().role() != Role.ADMIN) {
            ctx.fail(new GatewayException(ErrorCode.FORBIDDEN,
                    "Key '" + key.get().name() + "' has role " + key.get().role().wireName() + "; this needs an admin key."));
        } else {
            ctx.put(KEY, key.get());
            ctx.next();
        }
    }

    /** The admin key that was let through. */
    static KeyConfig key(RoutingContext ctx) {
        return ctx.get(KEY);
    }
}

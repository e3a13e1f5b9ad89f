package dev.loopgate.gateway.http;

import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.auth.Role;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Lets only keys of the given roles through (admin for {@code /admin/*}, finance or admin
 * for {@code /reports/*}); the key is kept for the handlers, e.g. as the author of changes.
 */
final class RoleAuth implements Handler<RoutingContext> {
    private static final String KEY = "loopgate.key";

    private final ApiKeyRegistry keys;
    private final Set<Role> roles;
    private final String needs;

    private RoleAuth(ApiKeyRegistry keys, Set<Role> roles, String needs) {
        this.keys = keys;
        this.roles = roles;
        this.needs = needs;
    }

    static RoleAuth admin(ApiKeyRegistry keys) {
        return new RoleAuth(keys, EnumSet.of(Role.ADMIN), "an admin key");
    }

    static RoleAuth reports(ApiKeyRegistry keys) {
        return new RoleAuth(keys, EnumSet.of(Role.FINANCE, Role.ADMIN), "a finance or admin key");
    }

    /** The console's sign-in: the same roles as reports, and a loop key is told why it is refused. */
    static RoleAuth console(ApiKeyRegistry keys) {
        return new RoleAuth(keys, EnumSet.of(Role.FINANCE, Role.ADMIN),
                "a finance or admin key; loop keys cannot sign in to the console");
    }

    @Override
    public void handle(RoutingContext ctx) {
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        Optional<KeyConfig> key = keys.fromAuthorization(authorization);
        if (key.isEmpty()) {
            ctx.fail(new GatewayException(ErrorCode.INVALID_API_KEY,
                    authorization == null ? "No API key provided." : "Incorrect API key provided."));
        } else if (!roles.contains(key.get().role())) {
            ctx.fail(new GatewayException(ErrorCode.FORBIDDEN,
                    "Key '" + key.get().name() + "' has role " + key.get().role().wireName() + "; this needs " + needs + "."));
        } else {
            ctx.put(KEY, key.get());
            ctx.next();
        }
    }

    /** The key that was let through. */
    static KeyConfig key(RoutingContext ctx) {
        return ctx.get(KEY);
    }
}

package dev.loopgate.gateway.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /admin/config/reload}: reads gateway.yaml again and applies it (or answers every problem, changing nothing). */
final class ConfigAdminRoutes {
    private final ConfigReloads reloads;

    ConfigAdminRoutes(ConfigReloads reloads) {
        this.reloads = reloads;
    }

    void mount(Router router) {
        router.post("/admin/config/reload").handler(this::reload);
    }

    private void reload(RoutingContext ctx) {
        AdminBodies.respond(ctx, reloads.reload(RoleAuth.key(ctx).name())
                .map(report -> report.json().put("reloaded", true)));
    }
}

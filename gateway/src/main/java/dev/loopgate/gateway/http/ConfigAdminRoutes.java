package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.wire.Json;
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
        AdminBodies.respond(ctx, reloads.reload(RoleAuth.key(ctx).name()).map(report -> {
            ObjectNode answer = Json.MAPPER.createObjectNode().put("reloaded", true);
            ArrayNode changed = answer.putArray("changed");
            report.changed().forEach(changed::add);
            ArrayNode needsRestart = answer.putArray("needs_restart");
            report.needsRestart().forEach(needsRestart::add);
            return answer;
        }));
    }
}

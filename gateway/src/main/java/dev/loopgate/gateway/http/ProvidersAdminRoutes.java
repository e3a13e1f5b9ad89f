package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.provider.health.ProviderHealth;
import dev.loopgate.gateway.provider.health.TargetSnapshot;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /admin/providers}: every provider and its model targets, each with its health
 * breaker's state, the calls and error rate of its window, and when it opened and will
 * next let a probe through. Read-only; no secret (API key, header) is shown.
 */
final class ProvidersAdminRoutes {
    private final GatewayConfig config;
    private final ProviderHealth health;

    ProvidersAdminRoutes(GatewayConfig config, ProviderHealth health) {
        this.config = config;
        this.health = health;
    }

    void mount(Router router) {
        router.get("/admin/providers").handler(this::list);
    }

    private void list(RoutingContext ctx) {
        Map<String, ArrayNode> targets = new LinkedHashMap<>();
        ObjectNode list = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        config.providers().values().stream().sorted(Comparator.comparing(ProviderConfig::name)).forEach(provider -> {
            ObjectNode node = data.addObject().put("provider", provider.name()).put("type", provider.type().wireName());
            node.set("health", health(provider));
            targets.put(provider.name(), node.putArray("targets"));
        });
        health.snapshot().forEach(target -> targets.get(target.provider()).add(target(target)));
        AdminBodies.respond(ctx, Future.succeededFuture(list));
    }

    private ObjectNode target(TargetSnapshot target) {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("model", target.model())
                .put("upstream_model", config.model(target.model()).upstreamName())
                .put("state", target.state().wireName())
                .put("calls", target.calls())
                .put("failures", target.failures())
                .put("error_rate", target.errorRate());
        instant(node, "opened_at", target.openedAt());
        instant(node, "next_probe_at", target.nextProbeAt());
        return node;
    }

    private static ObjectNode health(ProviderConfig provider) {
        return Json.MAPPER.createObjectNode()
                .put("window", provider.health().window().toString())
                .put("min_calls", provider.health().minCalls())
                .put("error_rate", provider.health().errorRate())
                .put("cool_down", provider.health().coolDown().toString());
    }

    private static void instant(ObjectNode node, String field, Instant at) {
        if (at == null) {
            node.putNull(field);
        } else {
            node.put(field, at.toString());
        }
    }
}

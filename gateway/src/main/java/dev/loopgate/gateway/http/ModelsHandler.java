package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.auth.Role;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.rules.TierTable;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.TreeMap;

/** {@code GET /v1/models}: {@code auto}, the tiers, then the concrete models, in OpenAI's list shape. */
final class ModelsHandler implements Handler<RoutingContext> {
    private final ApiKeyRegistry keys;
    private final Buffer list;

    ModelsHandler(ApiKeyRegistry keys, GatewayConfig config) {
        this.keys = keys;
        this.list = render(config);
    }

    @Override
    public void handle(RoutingContext ctx) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("x-request-id", RequestIds.of(ctx.request()));
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        Optional<KeyConfig> key = keys.fromAuthorization(authorization);
        if (key.isEmpty()) {
            ErrorResponses.send(ctx.response(), headers, new GatewayException(ErrorCode.INVALID_API_KEY,
                    authorization == null ? "No API key provided." : "Incorrect API key provided."));
            return;
        }
        if (key.get().role() == Role.FINANCE) {
            ErrorResponses.send(ctx.response(), headers, new GatewayException(ErrorCode.FORBIDDEN,
                    "Key '" + key.get().name() + "' has role finance, which may read reports but not call models."));
            return;
        }
        ctx.response().headers().addAll(headers);
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(list);
    }

    private static Buffer render(GatewayConfig config) {
        ObjectNode root = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        add(data, TierTable.AUTO, "loopgate");
        config.tiers().tiers().keySet().forEach(tier -> add(data, tier, "loopgate"));
        new TreeMap<>(config.models()).forEach((id, model) -> add(data, id, model.provider()));
        return Buffer.buffer(root.toString());
    }

    private static void add(ArrayNode data, String id, String owner) {
        data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", owner);
    }
}

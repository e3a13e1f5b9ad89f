package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

/** Reading and answering admin API bodies: JSON objects in, JSON out, failures to the router's error handling. */
final class AdminBodies {
    private AdminBodies() {
    }

    static JsonNode json(RoutingContext ctx) {
        try {
            JsonNode node = Json.MAPPER.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
            if (node == null || !node.isObject()) {
                throw invalid("The body must be a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw invalid("The body is not valid JSON.");
        }
    }

    /** The body's {@code reason}, stripped; empty when the body or the reason is absent. */
    static String reason(RoutingContext ctx) {
        JsonNode body = ctx.body().length() == 0 ? Json.MAPPER.createObjectNode() : json(ctx);
        return body.path("reason").asText("").strip();
    }

    static void respond(RoutingContext ctx, Future<? extends JsonNode> answer) {
        answer.onComplete(done -> {
            if (done.failed()) {
                ctx.fail(done.cause());
                return;
            }
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(done.result().toString());
        });
    }

    static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }
}

package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.call.LoopIdentity;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.call.RequestHeaders;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.rules.Glob;
import io.vertx.core.Future;
import java.util.List;

/**
 * Names the loop a call belongs to: the {@code X-Loop-Id} header, else the key's one
 * bound loop, else {@code metadata.loop_id} in the body; and its run. A key bound to loop globs
 * may act only for loops that match one of them, a key bound to a run only for that run.
 */
public final class IdentifyLoopStage implements Stage {
    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        KeyConfig key = exchange.key();
        String loopId = loopId(exchange, key);
        if (!key.loops().isEmpty() && key.loops().stream().noneMatch(glob -> glob.matches(loopId))) {
            throw new GatewayException(ErrorCode.FORBIDDEN,
                    "Key '" + key.name() + "' may not act for loop '" + loopId + "'.", RequestHeaders.LOOP_ID);
        }
        exchange.loop(new LoopIdentity(
                loopId,
                run(exchange, key),
                step(exchange),
                label(exchange, RequestHeaders.LOOP_ROLE)));
        return next.proceed(exchange);
    }

    private static String loopId(Exchange exchange, KeyConfig key) {
        String header = exchange.requestHeaders().get(RequestHeaders.LOOP_ID);
        if (header != null) {
            return LoopIdentity.checkedLabel(header, RequestHeaders.LOOP_ID);
        }
        List<Glob> bound = key.loops();
        if (bound.size() == 1 && bound.get(0).isLiteral()) {
            return bound.get(0).pattern();
        }
        JsonNode fromBody = exchange.request().json().path("metadata").path("loop_id");
        if (fromBody.isTextual()) {
            return LoopIdentity.checkedLabel(fromBody.asText(), "metadata.loop_id");
        }
        throw new GatewayException(ErrorCode.INVALID_REQUEST,
                "Which loop is this call for? Send the '" + RequestHeaders.LOOP_ID
                        + "' header (or metadata.loop_id), or use a key bound to one loop.",
                RequestHeaders.LOOP_ID);
    }

    /**
     * The {@code X-Loop-Run} header; a key bound to one run acts only for it (and names it when the
     * header is absent); else what the caller's own client names its conversation by ({@link RunOfClient}).
     */
    private static String run(Exchange exchange, KeyConfig key) {
        String run = label(exchange, RequestHeaders.LOOP_RUN);
        if (key.run() == null) {
            return run != null ? run : RunOfClient.of(exchange.endpoint(), exchange.request().json());
        }
        if (run != null && !run.equals(key.run())) {
            throw new GatewayException(ErrorCode.FORBIDDEN,
                    "Key '" + key.name() + "' may act only for run '" + key.run() + "', not '" + run + "'.",
                    RequestHeaders.LOOP_RUN);
        }
        return key.run();
    }

    private static String label(Exchange exchange, String header) {
        String value = exchange.requestHeaders().get(header);
        return value == null ? null : LoopIdentity.checkedLabel(value, header);
    }

    private static long step(Exchange exchange) {
        String value = exchange.requestHeaders().get(RequestHeaders.LOOP_STEP);
        if (value == null) {
            return LoopIdentity.NO_STEP;
        }
        try {
            long step = Long.parseLong(value.trim());
            if (step >= 0) {
                return step;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new GatewayException(ErrorCode.INVALID_REQUEST,
                "'" + RequestHeaders.LOOP_STEP + "' must be a non-negative integer, got '" + value + "'.",
                RequestHeaders.LOOP_STEP);
    }
}

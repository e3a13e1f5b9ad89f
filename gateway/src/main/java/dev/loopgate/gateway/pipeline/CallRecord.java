package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.budgets.ledger.RefusalReason;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.rules.RouteDecision;

/**
 * What one finished call was and cost, rejections included: the facts audit rows and
 * metrics are made from. Fields the call never reached are null (or zero).
 *
 * @param status the HTTP status the client got: 499 when it left before any answer; a
 *        stream that had started keeps its 200 and says how it ended in {@code streamEnd}
 * @param errorCode our error code when the call failed, else null
 * @param streamEnd how a stream ended, or null for whole answers and failures
 * @param rulesVersion the routing rules version that decided, or -1
 * @param firstByteNanos upstream time to its response, or -1 when no upstream answered
 * @param content the request's messages (or input) as JSON, cut to the configured size, when
 *        the operator stores content; else null
 * @param refusal why the budget guard refused the call (402 or 403 {@code loop_paused}), else null
 * @param reservedNanos the worst case the budget held for the call, or 0 when it held none
 */
public record CallRecord(
        String requestId,
        Endpoint endpoint,
        String keyName,
        LoopIdentity loop,
        String requestedModel,
        String tier,
        String rule,
        String model,
        String provider,
        int status,
        String errorCode,
        boolean stream,
        Reply.StreamEnd streamEnd,
        long promptTokenEstimate,
        Usage usage,
        long costNanos,
        long durationNanos,
        long rulesVersion,
        long firstByteNanos,
        String idempotencyKey,
        String requestHash,
        String content,
        RefusalReason refusal,
        long reservedNanos) {

    /**
     * The provider billed more than the worst case reserved (a provider that wrote past the cap it
     * was sent, or priced something the estimate could not see): charged in full all the same.
     */
    public boolean overran() {
        return reservedNanos > 0 && costNanos > reservedNanos;
    }

    static CallRecord of(Exchange exchange, Reply reply, Throwable failure, long endNanos, int contentLimit) {
        KeyConfig key = exchange.key();
        ParsedRequest request = exchange.request();
        RouteDecision route = exchange.route();
        int status;
        String errorCode = null;
        if (failure != null) {
            ErrorCode code = failure instanceof GatewayException known ? known.code() : ErrorCode.INTERNAL;
            status = code.status();
            errorCode = code.code();
        } else {
            status = reply instanceof Reply.Complete complete ? complete.status() : 200;
        }
        return new CallRecord(
                exchange.requestId(),
                exchange.endpoint(),
                key == null ? null : key.name(),
                exchange.loop(),
                request == null ? null : request.requestedModel(),
                route == null ? null : route.tier(),
                route == null ? null : route.rule(),
                reply == null || reply.servedBy() == null ? null : reply.servedBy().id(),
                reply == null || reply.servedBy() == null ? null : reply.servedBy().provider(),
                status,
                errorCode,
                request != null && request.stream(),
                reply instanceof Reply.Streamed streamed ? streamed.end() : null,
                exchange.promptTokenEstimate(),
                reply == null ? Usage.NONE : reply.usage(),
                exchange.costNanos(),
                endNanos - exchange.startNanos(),
                exchange.rulesVersion(),
                exchange.upstreamFirstByteNanos() == 0 ? -1 : exchange.upstreamFirstByteNanos() - exchange.startNanos(),
                exchange.requestHeaders().get("Idempotency-Key"),
                exchange.requestHash(),
                content(request, contentLimit),
                exchange.refusal(),
                exchange.reservation() == null ? 0 : exchange.reservation().reservedNanos());
    }

    private static String content(ParsedRequest request, int limit) {
        if (limit <= 0 || request == null) {
            return null;
        }
        JsonNode json = request.json();
        String text = (json.has("messages") ? json.get("messages") : json.path("input")).toString();
        return text.length() <= limit ? text : text.substring(0, limit);
    }
}

package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.call.CallSink;
import dev.loopgate.gateway.call.ParsedRequest;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.rules.RouteDecision;
import io.vertx.core.Future;

/** First in the chain, so every call is recorded however it ends, rejections included. */
public final class RecordStage implements Stage {
    private final CallSink sink;
    private final int contentLimit;

    /**
     * @param contentLimit how many characters of the prompt to keep in the record; 0 keeps none
     */
    public RecordStage(CallSink sink, int contentLimit) {
        this.sink = sink;
        this.contentLimit = contentLimit;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        return next.proceed(exchange).andThen(done ->
                sink.record(record(exchange, done.result(), done.cause(), System.nanoTime(), contentLimit)));
    }

    private static CallRecord record(Exchange exchange, Reply reply, Throwable failure, long endNanos, int contentLimit) {
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

package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.call.Dialect;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.ModelConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.provider.FailureClass;
import dev.loopgate.gateway.provider.ProviderAdapter;
import dev.loopgate.gateway.provider.UpstreamError;
import dev.loopgate.gateway.provider.UpstreamException;
import dev.loopgate.gateway.provider.UpstreamFailure;
import dev.loopgate.gateway.provider.UpstreamRequest;
import dev.loopgate.gateway.provider.UpstreamResponse;
import dev.loopgate.gateway.relay.BodyReader;
import dev.loopgate.gateway.relay.AnthropicStreamEvents;
import dev.loopgate.gateway.relay.OpenAiStreamEvents;
import dev.loopgate.gateway.relay.ResponsesStreamEvents;
import dev.loopgate.gateway.relay.StreamEvents;
import dev.loopgate.gateway.relay.StreamRelay;
import dev.loopgate.gateway.wire.AnthropicUsage;
import dev.loopgate.gateway.wire.OpenAiWire;
import dev.loopgate.gateway.wire.ResponsesUsage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * One attempt at one target: sends the call, then reads the whole answer or relays the
 * stream. An answer the caller should see (2xx, a refusal of the request) is the reply;
 * a content refusal is a {@code content_filter} error; every other failure is an
 * {@link UpstreamFailure} with its {@link FailureClass}, for {@link ForwardStage} to act on.
 */
final class TargetCall {
    /** How much of a provider's content-refusal message is passed on. */
    static final int MAX_MESSAGE_CHARS = 1000;

    private final Vertx vertx;
    private final RetryPolicy policy;

    TargetCall(Vertx vertx, RetryPolicy policy) {
        this.vertx = vertx;
        this.policy = policy;
    }

    Future<Reply> send(Attempts attempts, ModelConfig model, ProviderAdapter adapter) {
        Exchange exchange = attempts.exchange;
        long deadline = System.nanoTime() + adapter.timeouts().total().toNanos();
        UpstreamRequest request = new UpstreamRequest(exchange.endpoint(), exchange.request().json(),
                model.upstreamName(), model.maxOutputTokens(), exchange.request().stream(), exchange.requestId(),
                exchange.requestHeaders(), attempts.abandoned.future());
        return adapter.send(request).recover(TargetCall::classified).compose(response -> {
            if (attempts.clientGone()) {
                response.cancel();
                return Future.failedFuture(ForwardStage.clientClosed());
            }
            attempts.answering(response);
            exchange.upstreamFirstByteNanos(System.nanoTime());
            int status = response.status();
            long idleMs = adapter.timeouts().idle().toMillis();
            if (status >= 200 && status < 300) {
                exchange.responseHeaders().set(ResponseHeaders.MODEL, model.id());
                Future<Reply> answered = exchange.request().stream()
                        ? relay(attempts, response, idleMs, deadline, model)
                        : BodyReader.read(vertx, response, idleMs, deadline, UpstreamResponse.MAX_ANSWER_BYTES).map(body ->
                                new Reply.Complete(status, response.contentType(), body,
                                        usageOf(exchange.endpoint().dialect(), body), model));
                return answered.recover(TargetCall::classified);
            }
            return BodyReader.read(vertx, response, idleMs, deadline, UpstreamResponse.MAX_ERROR_BYTES)
                    .transform(body -> refused(exchange, model, response, status, body.result(), body.cause()));
        });
    }

    private Future<Reply> relay(Attempts attempts, UpstreamResponse response, long idleMs, long deadline,
            ModelConfig model) {
        Exchange exchange = attempts.exchange;
        StreamEvents events = switch (exchange.endpoint().dialect()) {
            case ANTHROPIC -> new AnthropicStreamEvents();
            case RESPONSES -> new ResponsesStreamEvents();
            case OPENAI -> new OpenAiStreamEvents(exchange.request().clientWantsUsage());
        };
        StreamRelay.ToolScoped tools = exchange.toolCalls() == null ? null
                : new StreamRelay.ToolScoped(exchange.toolCalls(), exchange.endpoint().dialect(), exchange.loop().loopId());
        StreamRelay relay = new StreamRelay(vertx, exchange.response(), response, exchange.responseHeaders(),
                events, idleMs, deadline, exchange.streamCapture(), tools);
        attempts.relaying(relay);
        return relay.run().map(result -> new Reply.Streamed(result.end(), result.usage(), model, result.text()));
    }

    /**
     * An answer outside 2xx, classified by its status and error body. A request the upstream
     * refused is passed through as it came; the rest fail this attempt.
     *
     * @param readFailure why the error body could not be read, or null
     */
    private Future<Reply> refused(Exchange exchange, ModelConfig model, UpstreamResponse response, int status,
            Buffer body, Throwable readFailure) {
        UpstreamError error = readFailure == null ? UpstreamError.read(body) : UpstreamError.NONE;
        FailureClass failureClass = FailureClass.ofStatus(status, error);
        switch (failureClass) {
            case BAD_REQUEST:
                if (readFailure != null) {
                    return classified(readFailure);
                }
                exchange.responseHeaders().set(ResponseHeaders.MODEL, model.id());
                return Future.succeededFuture(new Reply.Complete(status, response.contentType(), body, Usage.NONE, model));
            case CONTENT_FILTER:
                exchange.responseHeaders().set(ResponseHeaders.MODEL, model.id());
                return Future.failedFuture(new GatewayException(ErrorCode.CONTENT_FILTER, contentFilterMessage(error)));
            case PROVIDER_AUTH:
                return Future.failedFuture(new UpstreamFailure(failureClass, "provider '" + model.provider()
                        + "' refused the gateway's credentials (HTTP " + status + "); an operator must fix its api_key"));
            case RATE_LIMITED:
                return Future.failedFuture(new UpstreamFailure(failureClass, "HTTP 429",
                        policy.retryAfter(response.retryAfter()), error.quotaExhausted()));
            default:
                return Future.failedFuture(new UpstreamFailure(failureClass, "HTTP " + status));
        }
    }

    private static String contentFilterMessage(UpstreamError error) {
        String message = error.message().isBlank()
                ? "The provider refused to process this content (" + error.code() + ")." : error.message();
        return message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message;
    }

    /** A failure raised while sending or reading, as the class {@link ForwardStage} acts on. */
    private static <T> Future<T> classified(Throwable failure) {
        return Future.failedFuture(failure instanceof UpstreamException e ? UpstreamFailure.of(e) : failure);
    }

    private static Usage usageOf(Dialect dialect, Buffer body) {
        if (dialect == Dialect.ANTHROPIC) {
            return AnthropicUsage.read(body);
        }
        if (dialect == Dialect.RESPONSES) {
            return ResponsesUsage.read(body);
        }
        try {
            OpenAiWire.UsageChunk found = OpenAiWire.readUsage(body);
            return found == null ? Usage.NONE : found.usage();
        } catch (IOException | RuntimeException malformed) {
            return Usage.NONE;
        }
    }
}

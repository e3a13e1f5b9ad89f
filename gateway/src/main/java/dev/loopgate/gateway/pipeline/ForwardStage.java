package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.config.ModelConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.provider.ProviderAdapter;
import dev.loopgate.gateway.provider.Providers;
import dev.loopgate.gateway.provider.UpstreamException;
import dev.loopgate.gateway.provider.UpstreamRequest;
import dev.loopgate.gateway.provider.UpstreamResponse;
import dev.loopgate.gateway.relay.BodyReader;
import dev.loopgate.gateway.relay.StreamRelay;
import dev.loopgate.gateway.wire.OpenAiWire;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Sends the call to its targets in order. A target that cannot connect, times out,
 * answers 429 or 5xx, or fails before any byte reached the client is passed over for
 * the next; once a byte has reached the client the call is bound to that target.
 * Other 4xx answers are the caller's to see and are passed through unchanged.
 */
public final class ForwardStage implements Stage {
    /** A non-stream answer larger than this is refused rather than held in memory. */
    static final long MAX_ANSWER_BYTES = 64L * 1024 * 1024;
    /** Error bodies are read only to keep the connection reusable; they are small. */
    static final long MAX_ERROR_BYTES = 64L * 1024;

    private final Vertx vertx;
    private final Providers providers;
    private final Map<String, ModelConfig> models;

    public ForwardStage(Vertx vertx, Providers providers, Map<String, ModelConfig> models) {
        this.vertx = vertx;
        this.providers = providers;
        this.models = Map.copyOf(models);
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        Attempts attempts = new Attempts(exchange);
        exchange.response().closeHandler(v -> attempts.clientClosed());
        return attempt(attempts, 0);
    }

    private Future<Reply> attempt(Attempts attempts, int index) {
        Exchange exchange = attempts.exchange;
        List<String> targets = exchange.route().targets();
        if (attempts.clientGone) {
            return Future.failedFuture(clientClosed());
        }
        if (index >= targets.size()) {
            return Future.failedFuture(attempts.exhausted());
        }
        ModelConfig model = models.get(targets.get(index));
        ProviderAdapter adapter = providers.get(model.provider());
        long deadline = System.nanoTime() + adapter.timeouts().total().toNanos();
        UpstreamRequest request = new UpstreamRequest(exchange.endpoint(), exchange.request().json(),
                model.upstreamName(), model.maxOutputTokens(), exchange.request().stream(), exchange.requestId(),
                attempts.abandoned.future());
        Function<Throwable, Future<Reply>> tryNext = failure -> {
            if (!(failure instanceof UpstreamException || failure instanceof UpstreamStatus)) {
                return Future.failedFuture(failure);
            }
            attempts.failed(model, failure);
            return attempt(attempts, index + 1);
        };
        return adapter.send(request).compose(response -> {
            if (attempts.clientGone) {
                response.cancel();
                return Future.failedFuture(clientClosed());
            }
            attempts.current = response;
            exchange.upstreamFirstByteNanos(System.nanoTime());
            int status = response.status();
            if (status >= 200 && status < 300) {
                exchange.responseHeaders().set(ResponseHeaders.MODEL, model.id());
                Future<Reply> answered = exchange.request().stream()
                        ? relay(attempts, response, adapter, deadline, model)
                        : readAnswer(response, adapter, deadline, model, status);
                return answered.recover(tryNext);
            }
            Future<Buffer> errorBody = BodyReader.read(vertx, response, adapter.timeouts().idle().toMillis(), deadline,
                    MAX_ERROR_BYTES);
            if (status == 429 || status >= 500) {
                String reason = "HTTP " + status;
                return errorBody.transform(ignored -> tryNext.apply(new UpstreamStatus(reason)));
            }
            return errorBody.compose(body -> refused(exchange, model, response, status, body));
        }, tryNext);
    }

    private Future<Reply> relay(Attempts attempts, UpstreamResponse response, ProviderAdapter adapter, long deadline,
            ModelConfig model) {
        StreamRelay relay = new StreamRelay(vertx, attempts.exchange.response(), response,
                attempts.exchange.responseHeaders(), attempts.exchange.request().clientWantsUsage(),
                adapter.timeouts().idle().toMillis(), deadline, attempts.exchange.streamCapture());
        attempts.relay = relay;
        return relay.run().map(result -> new Reply.Streamed(result.end(), result.usage(), model, result.text()));
    }

    private Future<Reply> readAnswer(UpstreamResponse response, ProviderAdapter adapter, long deadline,
            ModelConfig model, int status) {
        return BodyReader.read(vertx, response, adapter.timeouts().idle().toMillis(), deadline, MAX_ANSWER_BYTES)
                .map(body -> new Reply.Complete(status, response.contentType(), body, usageOf(body), model));
    }

    /** A 4xx other than 429: the caller's request was refused; only auth failures are the gateway's own. */
    private static Future<Reply> refused(Exchange exchange, ModelConfig model, UpstreamResponse response, int status,
            Buffer body) {
        if (status == 401 || status == 403) {
            return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_ERROR, "Provider '" + model.provider()
                    + "' refused the gateway's credentials (HTTP " + status + "); an operator must fix its api_key."));
        }
        exchange.responseHeaders().set(ResponseHeaders.MODEL, model.id());
        return Future.succeededFuture(new Reply.Complete(status, response.contentType(), body, Usage.NONE, model));
    }

    private static GatewayException clientClosed() {
        return new GatewayException(ErrorCode.CLIENT_CLOSED, "The client closed the connection.");
    }

    private static Usage usageOf(Buffer body) {
        try {
            byte[] bytes = body.getBytes();
            OpenAiWire.UsageChunk found = OpenAiWire.readUsage(bytes, 0, bytes.length);
            return found == null ? Usage.NONE : found.usage();
        } catch (IOException | RuntimeException malformed) {
            return Usage.NONE;
        }
    }

    /** A retryable HTTP status from a target, recorded like a connection failure. */
    private static final class UpstreamStatus extends RuntimeException {
        UpstreamStatus(String message) {
            super(message, null, false, false);
        }
    }

    /** The attempts of one call: what is in flight, and why each earlier target failed. */
    private static final class Attempts {
        final Exchange exchange;
        final List<String> failures = new ArrayList<>();
        boolean allTimedOut = true;
        boolean clientGone;
        /** Completed when the client leaves, so an attempt still waiting for its response is dropped. */
        final Promise<Void> abandoned = Promise.promise();
        UpstreamResponse current;
        StreamRelay relay;

        Attempts(Exchange exchange) {
            this.exchange = exchange;
        }

        void failed(ModelConfig model, Throwable failure) {
            failures.add(model.id() + ": " + failure.getMessage());
            allTimedOut &= failure instanceof UpstreamException e && e.kind() == UpstreamException.Kind.TIMEOUT;
            current = null;
            relay = null;
        }

        void clientClosed() {
            clientGone = true;
            abandoned.tryComplete();
            if (relay != null) {
                relay.clientClosed();
            } else if (current != null) {
                current.cancel();
            }
        }

        GatewayException exhausted() {
            String detail = String.join("; ", failures);
            if (failures.size() > 1) {
                return new GatewayException(ErrorCode.ALL_TARGETS_FAILED,
                        "All " + failures.size() + " targets failed: " + detail);
            }
            return new GatewayException(allTimedOut ? ErrorCode.UPSTREAM_TIMEOUT : ErrorCode.UPSTREAM_ERROR,
                    "The upstream failed: " + detail);
        }
    }
}

package dev.loopgate.gateway.pipeline;

import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.tokens.TokenEstimator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Counts the prompt's tokens. Large bodies are counted on a worker thread so a
 * megabyte prompt never stalls the event loop that serves other calls.
 */
public final class EstimateTokensStage implements Stage {
    /** Above this body size, counting takes long enough to move off the event loop. */
    static final int OFFLOAD_BYTES = 64 * 1024;

    private final TokenEstimator estimator;

    public EstimateTokensStage(TokenEstimator estimator) {
        this.estimator = estimator;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        Context context = Vertx.currentContext();
        if (exchange.body().length() <= OFFLOAD_BYTES || context == null) {
            exchange.promptTokenEstimate(count(exchange));
            return next.proceed(exchange);
        }
        return context.executeBlocking(() -> count(exchange), false).compose(tokens -> {
            exchange.promptTokenEstimate(tokens);
            return next.proceed(exchange);
        });
    }

    private long count(Exchange exchange) {
        return switch (exchange.endpoint()) {
            case CHAT_COMPLETIONS -> estimator.chatPromptTokens(exchange.request().json());
            case EMBEDDINGS -> estimator.embeddingInputTokens(exchange.request().json());
            case MESSAGES -> estimator.messagesPromptTokens(exchange.request().json());
            case RESPONSES -> estimator.responsesPromptTokens(exchange.request().json());
        };
    }
}

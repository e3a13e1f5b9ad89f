package dev.loopgate.gateway.pipeline;

import dev.loopgate.gateway.call.Reply;
import io.vertx.core.Future;

/**
 * One step of the request path. A stage does one thing, then calls
 * {@code next.proceed(exchange)} at most once, or answers on its own by returning a
 * reply or failing with a {@link dev.loopgate.gateway.error.GatewayException}.
 */
public interface Stage {
    Future<Reply> apply(Exchange exchange, Chain next);

    /** The rest of the pipeline after the current stage. */
    interface Chain {
        Future<Reply> proceed(Exchange exchange);
    }
}

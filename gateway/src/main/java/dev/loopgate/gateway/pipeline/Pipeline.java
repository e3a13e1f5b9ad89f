package dev.loopgate.gateway.pipeline;

import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.Future;
import java.util.List;

/**
 * The ordered stages every proxied call passes through. Reading the list given to the
 * constructor tells the whole request path; the last stage must answer without
 * calling {@code next}.
 */
public final class Pipeline {
    private final Stage[] stages;

    public Pipeline(List<Stage> stages) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one stage");
        }
        this.stages = stages.toArray(Stage[]::new);
    }

    public Future<Reply> execute(Exchange exchange) {
        return new Link(0).proceed(exchange);
    }

    private final class Link implements Stage.Chain {
        private final int index;

        Link(int index) {
            this.index = index;
        }

        @Override
        public Future<Reply> proceed(Exchange exchange) {
            if (index >= stages.length) {
                return Future.failedFuture(new GatewayException(ErrorCode.INTERNAL, "the pipeline ended without an answer"));
            }
            try {
                return stages[index].apply(exchange, new Link(index + 1));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
    }
}

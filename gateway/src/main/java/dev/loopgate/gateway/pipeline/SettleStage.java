package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.Money;
import io.vertx.core.Future;

/**
 * Prices the call once it has ended, however it ended: usage reported by the provider
 * times the serving model's prices. A whole answer carries its cost in a header.
 */
public final class SettleStage implements Stage {

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        return next.proceed(exchange).map(reply -> {
            if (reply.servedBy() != null) {
                long cost = reply.servedBy().price().costNanos(reply.usage());
                exchange.costNanos(cost);
                if (reply instanceof Reply.Complete) {
                    exchange.responseHeaders().set(ResponseHeaders.COST_USD, Money.format(cost));
                }
            }
            return reply;
        });
    }
}

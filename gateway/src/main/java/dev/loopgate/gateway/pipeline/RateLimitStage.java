package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.ratelimit.RateDecision;
import dev.loopgate.budgets.ratelimit.RateLimiter;
import dev.loopgate.budgets.ratelimit.RateLimits;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.guard.BudgetStore;
import io.vertx.core.Future;

/**
 * Requests and tokens per minute, per loop and per key. The take is sent here and not waited
 * for: the reservation goes to Redis at the same time and {@link ReserveStage} waits for both
 * (one round trip). A limited call gets 429 with {@code Retry-After}, and its reservation is
 * undone. A call refused by its budget still counts toward its rate limits: it was a request.
 */
public final class RateLimitStage implements Stage {
    private final BudgetStore store;
    private final RateLimiter limiter;
    private final BudgetsConfig budgets;

    public RateLimitStage(BudgetStore store, RateLimiter limiter, BudgetsConfig budgets) {
        this.store = store;
        this.limiter = limiter;
        this.budgets = budgets;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        BudgetsConfig.KeyBudget key = budgets.forKey(exchange.key());
        if (exchange.loopBudget().rates().equals(RateLimits.NONE) && key.rates().equals(RateLimits.NONE)) {
            // nothing to count; nor is the budget store asked, so its answer says nothing of whether Redis is up
            return next.proceed(exchange);
        }
        exchange.rateCheck(taken(exchange, key));
        return next.proceed(exchange);
    }

    private Future<RateDecision> taken(Exchange exchange, BudgetsConfig.KeyBudget key) {
        long tokens = exchange.promptTokenEstimate()
                + Math.max(0, exchange.request().maxTokens()) * exchange.request().choices();
        return store.call(limiter.acquire(exchange.loop().loopId(), exchange.loopBudget().rates(),
                exchange.key().name(), key.rates(), tokens));
    }

    /** The 429 of a limited call, its {@code Retry-After} set. */
    static GatewayException limited(Exchange exchange, RateDecision.Limited limited) {
        long seconds = Math.max(1, (limited.retryAfterMillis() + 999) / 1000);
        exchange.responseHeaders().set("Retry-After", Long.toString(seconds));
        return new GatewayException(ErrorCode.RATE_LIMITED, "Rate limit reached: " + limited.scope()
                + ". Retry after " + seconds + " s.");
    }
}

package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.Money;
import dev.loopgate.budgets.Usage;
import dev.loopgate.budgets.ledger.BudgetDecision;
import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.ledger.RefusalReason;
import dev.loopgate.budgets.ledger.ReserveChoices;
import dev.loopgate.budgets.ledger.ReserveRequest;
import dev.loopgate.budgets.ratelimit.RateDecision;
import dev.loopgate.gateway.call.ParsedRequest;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.ModelConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.LoopNotifier;
import dev.loopgate.rules.RouteDecision;
import io.vertx.core.Future;
import java.time.Clock;

/**
 * Holds the call's worst case in the loop's budget before anything is sent: the
 * estimated prompt plus the most output it may ask for, at the dearest price among its
 * targets (any of them may end up serving it). Atomic across replicas: concurrent calls
 * can never together reserve more than the budget. When the route waits on the loop's facts
 * ({@link RoutePlan}), the ledger holds the worst case of the cell it finds and the call takes
 * that cell's route. The rate limits' answer, sent at the same time, is waited for here too.
 */
public final class ReserveStage implements Stage {
    private final BudgetStore store;
    private final BudgetLedger ledger;
    private final GatewayConfig config;
    private final LoopNotifier notifier;
    private final Clock clock;

    public ReserveStage(BudgetStore store, BudgetLedger ledger, GatewayConfig config, LoopNotifier notifier,
            Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.config = config;
        this.notifier = notifier;
        this.clock = clock;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        RoutePlan plan = exchange.routePlan();
        ReserveChoices choices = exchange.route() != null ? worstCase(exchange, exchange.route()) : choices(exchange, plan);
        BudgetsConfig budgets = config.budgets();
        long now = clock.millis();
        ReserveRequest request = new ReserveRequest(exchange.loop().loopId(), exchange.key().name(),
                exchange.requestHash(), choices, exchange.loopBudget().limits(),
                budgets.forKey(exchange.key()).usdPerDayNanos(), config.breakers().settings(), now);
        Future<BudgetDecision> reserved = store.call(ledger.reserve(request));
        Future<RateDecision> rate = exchange.rateCheck();
        return Future.join(reserved, rate).transform(both -> {
            if (reserved.failed()) {
                return Future.failedFuture(reserved.cause());
            }
            BudgetDecision decision = reserved.result();
            if (decision instanceof BudgetDecision.Declined declined) {
                exchange.loopFacts(declined.budgetUsed(), declined.repeatCount());
                plan.take(exchange, declined.choice());
                throw new IllegalStateException("a declined cell must refuse the call");
            }
            if (decision instanceof BudgetDecision.Refused refused) {
                exchange.refusal(refused.reason());
                throw refusal(refused, choices.maxNanos(), now);
            }
            BudgetDecision.Allowed allowed = (BudgetDecision.Allowed) decision;
            if (rate.failed() || rate.result() instanceof RateDecision.Limited) {
                Throwable failure = rate.failed() ? rate.cause()
                        : RateLimitStage.limited(exchange, (RateDecision.Limited) rate.result());
                return store.call(ledger.cancel(allowed.reservation(), exchange.requestHash(), now))
                        .transform(cancelled -> Future.failedFuture(failure));
            }
            exchange.reservation(allowed.reservation());
            if (exchange.route() == null) {
                exchange.loopFacts(allowed.budgetUsed(), allowed.repeatCount());
                plan.take(exchange, allowed.choice());
            }
            return next.proceed(exchange);
        });
    }

    /** The worst case of each cell of the plan: what its route may cost; declined where its decision refuses the call. */
    private ReserveChoices choices(Exchange exchange, RoutePlan plan) {
        long[] nanos = new long[plan.cells()];
        long[] tokens = new long[plan.cells()];
        for (int cell = 0; cell < nanos.length; cell++) {
            if (plan.decision(cell) instanceof RouteDecision route) {
                ReserveChoices worst = worstCase(exchange, route);
                nanos[cell] = worst.nanos(0);
                tokens[cell] = worst.tokens(0);
            } else {
                nanos[cell] = ReserveChoices.DECLINED;
            }
        }
        return new ReserveChoices(plan.cuts().budgetUsed(), plan.cuts().repeatCount(), nanos, tokens);
    }

    /**
     * The estimated prompt plus the most output the call may ask for on {@code route} (under
     * its rule's cap), at the dearest price among its targets.
     */
    private ReserveChoices worstCase(Exchange exchange, RouteDecision route) {
        long prompt = exchange.promptTokenEstimate();
        ParsedRequest call = exchange.request();
        long worstNanos = 0;
        long worstTokens = 0;
        for (String target : route.targets()) {
            ModelConfig model = config.model(target);
            int modelMax = model.maxOutputTokens();
            int capped = route.maxTokensCap() == RouteDecision.NO_CAP ? modelMax : Math.min(modelMax, route.maxTokensCap());
            long output = call.worstOutputTokens(capped);
            worstNanos = Math.max(worstNanos, model.price().costNanos(new Usage(prompt, output, 0)));
            worstTokens = Math.max(worstTokens, prompt + output);
        }
        return ReserveChoices.single(worstNanos, worstTokens);
    }

    private GatewayException refusal(BudgetDecision.Refused refused, long worstCase, long now) {
        if (refused.reason() == RefusalReason.LOOP_PAUSED) {
            if (refused.trip() != null && refused.trip().atMillis() == now) {
                notifier.paused(refused.trip(), LoopNotifier.BREAKER_ACTOR);
            }
            return refused.trip() == null ? new GatewayException(ErrorCode.LOOP_PAUSED, refused.message())
                    : LoopPausedErrors.of(refused.trip());
        }
        return new GatewayException(ErrorCode.BUDGET_EXCEEDED, refused.message() + " (this call may cost up to $"
                + Money.format(worstCase) + "; lower max_tokens or ask an admin to raise the budget)");
    }
}

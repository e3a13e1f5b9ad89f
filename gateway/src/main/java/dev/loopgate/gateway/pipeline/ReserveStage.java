package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.Money;
import dev.loopgate.budgets.Usage;
import dev.loopgate.budgets.ledger.BudgetDecision;
import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.ledger.RefusalReason;
import dev.loopgate.budgets.ledger.ReserveRequest;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.BreakersConfig;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.ModelConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.LoopNotifier;
import io.vertx.core.Future;
import java.time.Clock;

/**
 * Holds the call's worst case in the loop's budget before anything is sent: the
 * estimated prompt plus the most output it may ask for, at the dearest price among its
 * targets (any of them may end up serving it). Atomic across replicas: concurrent calls
 * can never together reserve more than the budget.
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
        long prompt = exchange.promptTokenEstimate();
        long worstNanos = 0;
        long worstTokens = 0;
        for (String target : exchange.route().targets()) {
            ModelConfig model = config.model(target);
            long output = exchange.request().worstOutputTokens(model.maxOutputTokens());
            worstNanos = Math.max(worstNanos, model.price().costNanos(new Usage(prompt, output, 0)));
            worstTokens = Math.max(worstTokens, prompt + output);
        }
        BudgetsConfig budgets = config.budgets();
        BreakersConfig breakers = config.breakers();
        long now = clock.millis();
        ReserveRequest request = new ReserveRequest(exchange.loop().loopId(), exchange.key().name(),
                exchange.requestHash(), worstNanos, worstTokens, exchange.loopBudget().limits(),
                budgets.forKey(exchange.key().name()).usdPerDayNanos(), breakers.settings(), now);
        long worstCase = worstNanos;
        return store.call(ledger.reserve(request)).compose(decision -> {
            if (decision instanceof BudgetDecision.Refused refused) {
                exchange.refusal(refused.reason());
                throw refusal(refused, worstCase, now);
            }
            exchange.reservation(((BudgetDecision.Allowed) decision).reservation());
            return next.proceed(exchange);
        });
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

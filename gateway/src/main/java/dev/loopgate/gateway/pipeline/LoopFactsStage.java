package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.ledger.RefusalReason;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.BreakersConfig;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.RequestHashes;
import dev.loopgate.gateway.rules.ActiveRules;
import io.vertx.core.Future;
import java.time.Clock;

/**
 * Chooses the rules version for the whole call and, only when its rules read the loop's facts
 * at more cuts than a reservation can choose between ({@link RouteStage#readsFactsFirst}),
 * reads them first: how much of its budget is used and how often it sent this same request
 * lately (a paused loop is refused then). Otherwise the facts are read by the reservation, in
 * the same round trip to Redis that holds the call's worst case.
 */
public final class LoopFactsStage implements Stage {
    private final ActiveRules rules;
    private final BudgetStore store;
    private final BudgetLedger ledger;
    private final BudgetsConfig budgets;
    private final BreakersConfig breakers;
    private final Clock clock;

    public LoopFactsStage(ActiveRules rules, BudgetStore store, BudgetLedger ledger, BudgetsConfig budgets,
            BreakersConfig breakers, Clock clock) {
        this.rules = rules;
        this.store = store;
        this.ledger = ledger;
        this.budgets = budgets;
        this.breakers = breakers;
        this.clock = clock;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        String loopId = exchange.loop().loopId();
        BudgetsConfig.LoopBudget budget = budgets.forLoop(loopId);
        exchange.loopBudget(budget);
        if (exchange.requestHash() == null) {
            exchange.requestHash(RequestHashes.of(exchange.request()));
        }
        ActiveRules.Version version = rules.current();
        exchange.rules(version);
        if (!RouteStage.readsFactsFirst(version.rules())) {
            return next.proceed(exchange);
        }
        return store.call(ledger.peek(loopId, exchange.requestHash(), budget.limits(), breakers.settings(),
                clock.millis())).compose(facts -> {
                    if (facts.pausedBy() != null) {
                        exchange.refusal(RefusalReason.LOOP_PAUSED);
                        throw LoopPausedErrors.of(facts.pausedBy());
                    }
                    exchange.loopFactsRead(facts.budgetUsed(), facts.repeatCount());
                    return next.proceed(exchange);
                });
    }
}

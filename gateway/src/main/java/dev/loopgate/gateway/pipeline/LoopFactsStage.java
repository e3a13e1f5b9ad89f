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
 * Reads what routing needs to know about the loop before the rules run: how much of
 * its budget is used and how often it sent this same request lately. A paused loop is
 * refused here, before anything else is spent on it.
 *
 * <p>The rules version is chosen here, for the whole call: when no rule of it reads either
 * fact, the ledger read is skipped (one round trip to Redis fewer) and a paused loop is
 * refused by the reservation instead.
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
        exchange.requestHash(RequestHashes.of(exchange.request()));
        ActiveRules.Version version = rules.current();
        exchange.rules(version);
        if (!version.rules().readsLoopFacts()) {
            return next.proceed(exchange);
        }
        return store.call(ledger.peek(loopId, exchange.requestHash(), budget.limits(), breakers.settings(),
                clock.millis())).compose(facts -> {
                    if (facts.pausedBy() != null) {
                        exchange.refusal(RefusalReason.LOOP_PAUSED);
                        throw LoopPausedErrors.of(facts.pausedBy());
                    }
                    exchange.loopFacts(facts.budgetUsed(), facts.repeatCount());
                    return next.proceed(exchange);
                });
    }
}

package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.ledger.ReserveChoices;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.rules.ActiveRules;
import dev.loopgate.rules.LoopFactCuts;
import dev.loopgate.rules.RuleSet;
import io.vertx.core.Future;
import java.time.Clock;

/**
 * Decides the tier and the ordered targets of a call by the rules version current when
 * the call arrives. When the rules read the loop's facts and those are not known yet, it
 * decides once per cell of them ({@link RoutePlan}) and the reservation takes the cell its
 * ledger finds; otherwise the one decision is taken here: what it decided goes in the response
 * headers and a rule's {@code max_tokens} cap into the body.
 */
public final class RouteStage implements Stage {
    private final ActiveRules rules;
    private final Clock clock;

    public RouteStage(ActiveRules rules, Clock clock) {
        this.rules = rules;
        this.clock = clock;
    }

    /** Whether a call under {@code rules} needs its loop's facts read before routing: too many cells to decide each. */
    static boolean readsFactsFirst(RuleSet rules) {
        return rules.readsLoopFacts() && rules.loopFactCuts().cells() > ReserveChoices.MAX_CELLS;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        ActiveRules.Version version = exchange.rules() != null ? exchange.rules() : rules.current();
        exchange.rulesVersion(version.number());
        exchange.responseHeaders().set(ResponseHeaders.RULES_VERSION, Long.toString(version.number()));
        RuleSet ruleSet = version.rules();
        ExchangeFacts facts = new ExchangeFacts(exchange, clock.millis());
        LoopFactCuts cuts = ruleSet.loopFactCuts();
        RoutePlan plan = exchange.loopFactsRead() || cuts.cells() == 1
                ? RoutePlan.single(ruleSet.decide(facts))
                : RoutePlan.perCell(ruleSet, cuts, exchange, facts);
        exchange.routePlan(plan);
        if (plan.cells() == 1) {
            plan.take(exchange, 0);
        }
        return next.proceed(exchange);
    }
}

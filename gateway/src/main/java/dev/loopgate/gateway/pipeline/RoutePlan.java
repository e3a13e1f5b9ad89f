package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.ledger.ReserveChoices;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.call.ParsedRequest;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.rules.Decision;
import dev.loopgate.rules.LoopFactCuts;
import dev.loopgate.rules.RejectDecision;
import dev.loopgate.rules.RouteDecision;
import dev.loopgate.rules.RuleSet;

/**
 * Where a call goes, decided before its loop's facts are known: one decision per cell of
 * {@code budget_used} and {@code repeat_count} ({@link LoopFactCuts}), so the reservation can
 * pick the cell in the same step that reads those facts (no ledger read before it). Rules that
 * read neither fact, or facts already read, make a plan of one decision.
 */
final class RoutePlan {
    private final LoopFactCuts cuts;
    private final Decision[] decisions;

    private RoutePlan(LoopFactCuts cuts, Decision[] decisions) {
        this.cuts = cuts;
        this.decisions = decisions;
    }

    static RoutePlan single(Decision decision) {
        return new RoutePlan(LoopFactCuts.NONE, new Decision[] {decision});
    }

    /**
     * Decides once per cell, each with the cell's smallest facts set on the exchange; the same
     * decision everywhere makes a plan of one.
     */
    static RoutePlan perCell(RuleSet rules, LoopFactCuts cuts, Exchange exchange, ExchangeFacts facts) {
        double[] budget = cuts.budgetUsed();
        long[] repeats = cuts.repeatCount();
        Decision[] decisions = new Decision[cuts.cells()];
        boolean same = true;
        for (int cell = 0; cell < decisions.length; cell++) {
            // the cell's smallest facts, in the ledger's numbering of cells
            exchange.loopFacts(ReserveChoices.budgetUsedAt(budget, repeats, cell),
                    ReserveChoices.repeatCountAt(budget, repeats, cell));
            decisions[cell] = rules.decide(facts);
            same &= decisions[cell].equals(decisions[0]);
        }
        exchange.loopFacts(0, 0);
        return same ? single(decisions[0]) : new RoutePlan(cuts, decisions);
    }

    LoopFactCuts cuts() {
        return cuts;
    }

    int cells() {
        return decisions.length;
    }

    Decision decision(int cell) {
        return decisions[cell];
    }

    /**
     * Takes the cell's decision: the call's route, what is said of it in the response headers,
     * a rule's {@code max_tokens} cap applied to the body.
     *
     * @throws GatewayException when the decision refuses the call
     */
    void take(Exchange exchange, int cell) {
        Decision decision = decisions[cell];
        exchange.responseHeaders().set(ResponseHeaders.RULE, decision.rule());
        if (decision instanceof RejectDecision reject) {
            throw RuleSet.RULE_UNKNOWN_MODEL.equals(reject.rule())
                    ? new GatewayException(ErrorCode.INVALID_REQUEST, reject.message(), "model")
                    : new GatewayException(ErrorCode.FORBIDDEN,
                            "Rejected by routing rule '" + reject.rule() + "': " + reject.message());
        }
        RouteDecision route = (RouteDecision) decision;
        exchange.route(route);
        if (route.tier() != null) {
            exchange.responseHeaders().set(ResponseHeaders.TIER, route.tier());
        }
        capMaxTokens(exchange, route.maxTokensCap());
    }

    /** Lowers (or sets) the request's output limit to the rule's cap, in whichever field the caller uses. */
    private static void capMaxTokens(Exchange exchange, int cap) {
        ParsedRequest request = exchange.request();
        if (cap == RouteDecision.NO_CAP || exchange.endpoint() == Endpoint.EMBEDDINGS
                || request.maxTokens() != ParsedRequest.ABSENT && request.maxTokens() <= cap) {
            return;
        }
        ObjectNode json = request.json();
        json.put(exchange.endpoint() == Endpoint.RESPONSES ? "max_output_tokens"
                : json.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", cap);
        exchange.request(request.withJson(json, cap));
    }
}

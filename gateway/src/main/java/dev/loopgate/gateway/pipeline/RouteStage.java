package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.call.ParsedRequest;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.rules.ActiveRules;
import dev.loopgate.rules.Decision;
import dev.loopgate.rules.RejectDecision;
import dev.loopgate.rules.RouteDecision;
import dev.loopgate.rules.RuleSet;
import io.vertx.core.Future;
import java.time.Clock;

/**
 * Decides the tier and the ordered targets of a call by the rules version current when
 * the call arrives, applies a rule's {@code max_tokens} cap to the body, and says what
 * it decided in the response headers.
 */
public final class RouteStage implements Stage {
    private final ActiveRules rules;
    private final Clock clock;

    public RouteStage(ActiveRules rules, Clock clock) {
        this.rules = rules;
        this.clock = clock;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        ActiveRules.Version version = exchange.rules() != null ? exchange.rules() : rules.current();
        Decision decision = version.rules().decide(new ExchangeFacts(exchange, clock.millis()));
        exchange.rulesVersion(version.number());
        exchange.responseHeaders().set(ResponseHeaders.RULES_VERSION, Long.toString(version.number()));
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
        return next.proceed(exchange);
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

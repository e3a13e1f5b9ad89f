package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.responses.ResponseStore;
import dev.loopgate.budgets.responses.StoredResponse;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.call.LoopIdentity;
import dev.loopgate.gateway.call.ParsedRequest;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import java.io.IOException;

/**
 * A Responses API call that continues a response this gateway kept ({@code previous_response_id},
 * by the key that made it, for the same loop) gets that conversation put before its own input,
 * so every later stage (estimate, repeat hash, routing, the provider) sees the whole
 * conversation, and a call that names no run is in the run of the response it continues. An id
 * the gateway does not know is left for a provider that serves the
 * Responses API, which keeps its own. {@link ResponsesKeepStage} keeps what it continues.
 */
public final class ResponsesContinueStage implements Stage {
    private final BudgetStore store;
    private final ResponseStore responses;

    public ResponsesContinueStage(BudgetStore store, ResponseStore responses) {
        this.store = store;
        this.responses = responses;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        if (exchange.endpoint() != Endpoint.RESPONSES) {
            return next.proceed(exchange);
        }
        JsonNode previous = exchange.request().json().get("previous_response_id");
        if (previous == null || !previous.isTextual()) {
            return next.proceed(exchange);
        }
        return store.call(responses.get(previous.asText())).compose(found -> {
            found.filter(kept -> kept.owner().equals(exchange.key().name())
                            && kept.loopId().equals(exchange.loop().loopId()))
                    .ifPresent(kept -> continueFrom(exchange, kept));
            return next.proceed(exchange);
        });
    }

    /** The kept conversation, then the call's own input; {@code previous_response_id} is answered here. */
    private static void continueFrom(Exchange exchange, StoredResponse kept) {
        ParsedRequest request = exchange.request();
        ObjectNode json = request.json();
        ArrayNode input;
        try {
            input = (ArrayNode) Json.MAPPER.readTree(kept.conversation());
        } catch (IOException e) {
            return;
        }
        JsonNode own = json.get("input");
        if (own.isTextual()) {
            input.addObject().put("role", "user").put("content", own.asText());
        } else {
            input.addAll((ArrayNode) own);
        }
        json.set("input", input);
        json.remove("previous_response_id");
        exchange.request(request.withJson(json, request.maxTokens()));
        LoopIdentity loop = exchange.loop();
        if (loop.run() == null && kept.run() != null) {
            exchange.loop(new LoopIdentity(loop.loopId(), kept.run(), loop.step(), loop.role()));
        }
    }
}

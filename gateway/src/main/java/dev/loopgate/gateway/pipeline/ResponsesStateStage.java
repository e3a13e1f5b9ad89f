package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.responses.ResponseStore;
import dev.loopgate.budgets.responses.StoredResponse;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.call.ParsedRequest;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.ModelConfig;
import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.config.ProviderType;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Responses API's conversation state for providers that keep none. A call that continues a
 * response this gateway kept ({@code previous_response_id}) gets that conversation put before
 * its own input, so every later stage (estimate, repeat hash, routing, the provider) sees the
 * whole conversation; an id the gateway does not know is left for a provider that serves the
 * Responses API (it keeps its own). A response served through the hub is kept once it ended,
 * unless the call said {@code store: false}; only the key that made it, for the same loop, may
 * continue it.
 */
public final class ResponsesStateStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(ResponsesStateStage.class);
    private static final String COMPLETED = "response.completed";

    private final BudgetStore store;
    private final ResponseStore responses;
    private final GatewayConfig config;

    public ResponsesStateStage(BudgetStore store, ResponseStore responses, GatewayConfig config) {
        this.store = store;
        this.responses = responses;
        this.config = config;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        if (exchange.endpoint() != Endpoint.RESPONSES) {
            return next.proceed(exchange);
        }
        JsonNode previous = exchange.request().json().get("previous_response_id");
        Future<Void> continued = previous == null || !previous.isTextual() ? Future.succeededFuture()
                : store.call(responses.get(previous.asText())).map(found -> {
                    found.filter(kept -> kept.owner().equals(exchange.key().name())
                                    && kept.loopId().equals(exchange.loop().loopId()))
                            .ifPresent(kept -> continueFrom(exchange, kept));
                    return null;
                });
        boolean keep = exchange.request().json().path("store").asBoolean(true);
        if (keep && exchange.request().stream() && exchange.streamCapture() == null) {
            exchange.streamCapture(new ArrayList<>());
        }
        return continued.compose(v -> next.proceed(exchange))
                .compose(reply -> keep ? kept(exchange, reply).map(reply) : Future.succeededFuture(reply));
    }

    /** The kept conversation, then the call's own input; {@code previous_response_id} is answered here. */
    private static void continueFrom(Exchange exchange, StoredResponse kept) {
        ParsedRequest request = exchange.request();
        ObjectNode json = request.json();
        ArrayNode input = (ArrayNode) read(kept.conversation());
        JsonNode own = json.get("input");
        if (own.isTextual()) {
            input.addObject().put("role", "user").put("content", own.asText());
        } else {
            input.addAll((ArrayNode) own);
        }
        json.set("input", input);
        json.remove("previous_response_id");
        exchange.request(request.withJson(json, request.maxTokens()));
    }

    /** Keeps a response served through the hub; a provider that serves the Responses API keeps its own. */
    private Future<Void> kept(Exchange exchange, Reply reply) {
        if (reply.servedBy() == null || servesResponses(reply.servedBy())) {
            return Future.succeededFuture();
        }
        JsonNode response = null;
        if (reply instanceof Reply.Complete complete && complete.status() / 100 == 2) {
            response = read(complete.body().toString());
        } else if (reply instanceof Reply.Streamed streamed && streamed.end() == Reply.StreamEnd.COMPLETED) {
            response = completed(exchange);
        }
        if (response == null || !response.path("id").isTextual()) {
            return Future.succeededFuture();
        }
        ArrayNode conversation = Json.MAPPER.createArrayNode();
        JsonNode input = exchange.request().json().path("input");
        if (input.isTextual()) {
            conversation.addObject().put("role", "user").put("content", input.asText());
        } else {
            conversation.addAll((ArrayNode) input.deepCopy());
        }
        response.path("output").forEach(item -> {
            if (!"reasoning".equals(item.path("type").asText())) {
                conversation.add(item);
            }
        });
        StoredResponse stored = new StoredResponse(exchange.key().name(), exchange.loop().loopId(),
                conversation.toString(), response.toString());
        return Future.fromCompletionStage(responses.put(response.get("id").asText(), stored)).recover(failure -> {
            LOG.warn("request {}: the response could not be kept for previous_response_id: {}", exchange.requestId(),
                    failure.toString());
            return Future.succeededFuture();
        });
    }

    private boolean servesResponses(ModelConfig model) {
        ProviderConfig provider = config.providers().get(model.provider());
        return provider.type() == ProviderType.OPENAI && provider.dialects().responsesNative();
    }

    /** The response of the stream's {@code response.completed} event, from what was relayed. */
    private static JsonNode completed(Exchange exchange) {
        List<byte[]> chunks = exchange.streamCapture();
        if (chunks == null) {
            return null;
        }
        Buffer all = Buffer.buffer();
        chunks.forEach(all::appendBytes);
        String text = all.toString();
        int at = text.lastIndexOf("\"type\":\"" + COMPLETED + "\"");
        int line = text.lastIndexOf("data: ", at);
        int end = text.indexOf("\n", at);
        return at < 0 || line < 0 ? null : read(text.substring(line + 6, end < 0 ? text.length() : end)).path("response");
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }
}

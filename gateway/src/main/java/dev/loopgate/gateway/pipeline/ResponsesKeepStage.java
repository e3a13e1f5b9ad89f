package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.loopgate.budgets.responses.ResponseStore;
import dev.loopgate.budgets.responses.StoredResponse;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.call.LoopIdentity;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.ModelConfig;
import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.config.ProviderType;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a Responses API response served through the hub (by a provider that keeps no state),
 * unless the call said {@code store: false}, so a later call can continue it with
 * {@code previous_response_id} ({@link ResponsesContinueStage}). It runs once the route is
 * known: a call whose every target serves the Responses API itself is left alone (the provider
 * keeps its own), and only the others have their stream captured to keep it.
 */
public final class ResponsesKeepStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(ResponsesKeepStage.class);
    private static final String COMPLETED = "response.completed";

    private final ResponseStore responses;
    private final GatewayConfig config;

    public ResponsesKeepStage(ResponseStore responses, GatewayConfig config) {
        this.responses = responses;
        this.config = config;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        if (exchange.endpoint() != Endpoint.RESPONSES || !exchange.request().json().path("store").asBoolean(true)
                || exchange.route().targets().stream().map(config::model).allMatch(this::servesResponses)) {
            return next.proceed(exchange);
        }
        if (exchange.request().stream() && exchange.streamCapture() == null) {
            exchange.streamCapture(new ArrayList<>());
        }
        return next.proceed(exchange).compose(reply -> kept(exchange, reply).map(reply));
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
        String id = response.get("id").asText();
        // a chain of responses is a run: the caller's, or else one named by the chain's first response
        String run = exchange.loop().run() != null ? exchange.loop().run() : id;
        StoredResponse stored = new StoredResponse(exchange.key().name(), exchange.loop().loopId(),
                conversation.toString(), response.toString(), LoopIdentity.isLabel(run) ? run : null);
        return Future.fromCompletionStage(responses.put(id, stored)).recover(failure -> {
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

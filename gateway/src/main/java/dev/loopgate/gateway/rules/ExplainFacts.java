package dev.loopgate.gateway.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.call.OpenAiRequestParser;
import dev.loopgate.gateway.call.ParsedRequest;
import dev.loopgate.gateway.call.RequestHeaders;
import dev.loopgate.gateway.tokens.TokenEstimator;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.rules.CallFacts;
import io.vertx.core.buffer.Buffer;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The facts of a sample call, for "where would this go?": a chat request read exactly
 * as the gateway reads one, plus the loop headers and the facts only a running loop
 * has ({@code budget_used}, {@code repeat_count}, {@code hour}).
 *
 * <p>Accepted shapes: {@code {"request": {...chat...}, "headers": {...}, "budget_used": 0.5,
 * "repeat_count": 2, "hour": 13}}, or a bare chat request whose loop headers come with
 * the explain call itself.
 */
public final class ExplainFacts {
    static final String DEFAULT_LOOP = "explain";

    private ExplainFacts() {
    }

    public static CallFacts of(JsonNode body, Map<String, String> callHeaders, TokenEstimator tokens, int utcHour) {
        JsonNode request = body.has("request") ? body.get("request") : body;
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(callHeaders);
        for (Iterator<Map.Entry<String, JsonNode>> it = body.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            headers.put(header.getKey(), header.getValue().asText());
        }
        ParsedRequest parsed = OpenAiRequestParser.parse(Endpoint.CHAT_COMPLETIONS, Buffer.buffer(request.toString()));
        String loop = headers.getOrDefault(RequestHeaders.LOOP_ID,
                parsed.json().path("metadata").path("loop_id").asText(DEFAULT_LOOP));
        ObjectNode facts = Json.MAPPER.createObjectNode()
                .put("loop_id", loop)
                .put("model", parsed.requestedModel())
                .put("prompt_tokens", tokens.chatPromptTokens(parsed.json()))
                .put("tools", parsed.hasTools())
                .put("images", parsed.hasImages())
                .put("json_mode", parsed.jsonMode())
                .put("stream", parsed.stream())
                .put("budget_used", body.path("budget_used").asDouble(0))
                .put("repeat_count", body.path("repeat_count").asLong(0))
                .put("hour", body.path("hour").asInt(utcHour));
        putIfPresent(facts, "run", headers.get(RequestHeaders.LOOP_RUN));
        putIfPresent(facts, "role", headers.get(RequestHeaders.LOOP_ROLE));
        if (headers.containsKey(RequestHeaders.LOOP_STEP)) {
            facts.put("step", Long.parseLong(headers.get(RequestHeaders.LOOP_STEP).trim()));
        }
        if (parsed.maxTokens() != ParsedRequest.ABSENT) {
            facts.put("max_tokens", parsed.maxTokens());
        }
        ObjectNode headerFacts = facts.putObject("headers");
        headers.forEach(headerFacts::put);
        JsonNode metadata = parsed.json().path("metadata");
        if (metadata.isObject()) {
            facts.set("metadata", metadata);
        }
        return CallFacts.fromJson(facts);
    }

    private static void putIfPresent(ObjectNode facts, String field, String value) {
        if (value != null) {
            facts.put(field, value);
        }
    }
}

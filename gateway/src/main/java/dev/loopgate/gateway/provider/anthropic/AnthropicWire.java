package dev.loopgate.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.wire.AnthropicUsage;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Pure converters between OpenAI's chat completions and Anthropic Messages: the request
 * one way, the whole answer and its usage the other. What Anthropic cannot do fails the
 * call with {@link ErrorCode#INVALID_REQUEST} rather than being dropped silently.
 */
public final class AnthropicWire {
    static final String JSON_OBJECT_INSTRUCTION =
            "Answer with one valid JSON object only: no text, explanation or code fence before or after it.";

    /**
     * An Anthropic request body, and the name of the tool that carries a JSON-schema answer
     * (null when none), which the response converters turn back into message text.
     */
    public record Request(ObjectNode body, String jsonTool) {
        public Buffer bytes() {
            try {
                return Buffer.buffer(Json.MAPPER.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private AnthropicWire() {
    }

    /**
     * @param openAi a chat completions request, as checked by the parse stage
     * @param defaultMaxTokens the {@code max_tokens} to send when the caller set none
     */
    public static Request toRequest(JsonNode openAi, String model, int defaultMaxTokens, boolean stream) {
        AnthropicLimits.refuseUnsupported(openAi);
        ObjectNode out = Json.MAPPER.createObjectNode().put("model", model);
        out.put("max_tokens", maxTokens(openAi, defaultMaxTokens));
        AnthropicMessages.Translated messages = AnthropicMessages.translate(openAi.path("messages"));
        ArrayNode system = messages.system();
        if ("json_object".equals(openAi.path("response_format").path("type").asText())) {
            system.addObject().put("type", "text").put("text", JSON_OBJECT_INSTRUCTION);
        }
        if (!system.isEmpty()) {
            out.set("system", system);
        }
        out.set("messages", messages.turns());
        String jsonTool = AnthropicTools.apply(openAi, out);
        ArrayNode stops = stopSequences(openAi.get("stop"));
        if (!stops.isEmpty()) {
            out.set("stop_sequences", stops);
        }
        for (String field : new String[] {"temperature", "top_p"}) {
            JsonNode value = openAi.get(field);
            if (value != null && value.isNumber()) {
                out.set(field, value);
            }
        }
        JsonNode user = openAi.get("user");
        if (user != null && user.isTextual() && !user.asText().isEmpty()) {
            out.putObject("metadata").put("user_id", user.asText());
        }
        if (stream) {
            out.put("stream", true);
        }
        return new Request(out, jsonTool);
    }

    /**
     * A whole Anthropic message as an OpenAI {@code chat.completion}.
     *
     * @param created the answer's time in epoch seconds, which Anthropic does not send
     * @throws IllegalArgumentException when the body is not an Anthropic message
     */
    public static Buffer fromResponse(byte[] body, long created, String jsonTool) {
        JsonNode in;
        try {
            in = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the provider's answer is not JSON", e);
        }
        if (in == null || !"message".equals(in.path("type").asText())) {
            throw new IllegalArgumentException("the provider's answer is not an Anthropic message");
        }
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        for (JsonNode block : in.path("content")) {
            String type = block.path("type").asText();
            boolean isAnswer = type.equals("tool_use") && block.path("name").asText().equals(jsonTool);
            if (type.equals("text") || isAnswer) {
                text.append(isAnswer ? arguments(block) : block.path("text").asText());
                hasText = true;
            } else if (type.equals("tool_use")) {
                ObjectNode call = toolCalls.addObject().put("id", block.path("id").asText()).put("type", "function");
                call.putObject("function").put("name", block.path("name").asText()).put("arguments", arguments(block));
            }
            // Thinking and server-side tool blocks have no OpenAI counterpart.
        }
        ObjectNode out = Json.MAPPER.createObjectNode()
                .put("id", in.path("id").asText())
                .put("object", "chat.completion")
                .put("created", created)
                .put("model", in.path("model").asText());
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (hasText || toolCalls.isEmpty()) {
            message.put("content", text.toString());
        } else {
            message.putNull("content");
        }
        message.putNull("refusal");
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(in.path("stop_reason").asText(null), !toolCalls.isEmpty()));
        out.set("usage", usage(in.path("usage")));
        return Buffer.buffer(out.toString());
    }

    /**
     * OpenAI's usage from Anthropic's: the prompt is every input token, cached or not, with
     * cache reads as {@code cached_tokens} and cache writes as Loopgate's {@code cache_write_tokens}.
     */
    public static ObjectNode usage(JsonNode anthropic) {
        Usage counted = AnthropicUsage.of(anthropic);
        ObjectNode usage = Json.MAPPER.createObjectNode()
                .put("prompt_tokens", counted.promptTokens())
                .put("completion_tokens", counted.completionTokens())
                .put("total_tokens", counted.totalTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", counted.cachedPromptTokens())
                .put("cache_write_tokens", counted.cacheWriteTokens());
        return usage;
    }

    /** @param callsTools whether the answer carries tool calls for the caller (not only a JSON answer) */
    public static String finishReason(String stopReason, boolean callsTools) {
        return switch (stopReason == null ? "" : stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> callsTools ? "tool_calls" : "stop";
            case "refusal" -> "content_filter";
            // end_turn, stop_sequence, pause_turn, and reasons added later
            default -> "stop";
        };
    }

    /** A tool_use block's input as OpenAI's arguments string. */
    private static String arguments(JsonNode toolUse) {
        JsonNode input = toolUse.path("input");
        return input.isObject() ? input.toString() : "{}";
    }

    static GatewayException unsupported(String message, String param) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message, param);
    }

    /** The parse stage has checked both are positive integers that fit an int. */
    private static int maxTokens(JsonNode openAi, int defaultMaxTokens) {
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode value = openAi.get(field);
            if (value != null && value.canConvertToInt()) {
                return value.intValue();
            }
        }
        return defaultMaxTokens;
    }

    private static ArrayNode stopSequences(JsonNode stop) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (stop == null || stop.isNull()) {
            return out;
        }
        if (stop.isTextual()) {
            return out.add(stop.asText());
        }
        if (stop.isArray()) {
            for (JsonNode sequence : stop) {
                if (!sequence.isTextual()) {
                    throw unsupported("'stop' must be a string or an array of strings.", "stop");
                }
                out.add(sequence.asText());
            }
            return out;
        }
        throw unsupported("'stop' must be a string or an array of strings.", "stop");
    }
}

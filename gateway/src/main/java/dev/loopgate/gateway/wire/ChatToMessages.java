package dev.loopgate.gateway.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.error.ErrorBodies;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * A chat completion (the hub) as an Anthropic Messages answer, for a caller that speaks
 * Messages served by a provider that speaks chat completions: the first choice's text and tool
 * calls as content blocks, its finish reason as the stop reason, and the usage with cached
 * prompt tokens as cache reads. Errors keep their status and take Anthropic's shape.
 */
public final class ChatToMessages {
    private ChatToMessages() {
    }

    public static Buffer message(byte[] completion) {
        JsonNode in;
        try {
            in = Json.MAPPER.readTree(completion);
        } catch (IOException e) {
            throw new IllegalStateException("the provider's answer is not JSON", e);
        }
        JsonNode choice = in.path("choices").path(0);
        JsonNode message = choice.path("message");
        ObjectNode out = Json.MAPPER.createObjectNode()
                .put("id", "msg_" + in.path("id").asText(""))
                .put("type", "message")
                .put("role", "assistant")
                .put("model", in.path("model").asText(""));
        ArrayNode content = out.putArray("content");
        String text = message.path("content").asText("");
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : message.path("tool_calls")) {
            content.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                    .put("name", call.path("function").path("name").asText())
                    .set("input", arguments(call.path("function").path("arguments").asText("")));
        }
        out.put("stop_reason", stopReason(choice.path("finish_reason").asText("")));
        out.putNull("stop_sequence");
        out.set("usage", usage(in.path("usage")));
        return Buffer.buffer(out.toString());
    }

    /** Anthropic's stop reason for a chat finish reason. */
    public static String stopReason(String finishReason) {
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** Anthropic's usage for chat usage: the uncached prompt as input, cached tokens as cache reads. */
    public static ObjectNode usage(JsonNode chat) {
        long prompt = chat.path("prompt_tokens").asLong(0);
        long cached = chat.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        return Json.MAPPER.createObjectNode()
                .put("input_tokens", Math.max(0, prompt - cached))
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", cached)
                .put("output_tokens", chat.path("completion_tokens").asLong(0));
    }

    /** A chat error body as Anthropic's, keeping its message. */
    public static Buffer error(int status, byte[] body) {
        String message;
        try {
            message = Json.MAPPER.readTree(body).path("error").path("message").asText("");
        } catch (IOException | RuntimeException e) {
            message = "";
        }
        ObjectNode out = Json.MAPPER.createObjectNode().put("type", "error");
        out.putObject("error").put("type", ErrorBodies.anthropicType(status))
                .put("message", message.isEmpty() ? "The provider answered HTTP " + status + "." : message);
        return Buffer.buffer(out.toString());
    }

    private static JsonNode arguments(String arguments) {
        try {
            JsonNode parsed = Json.MAPPER.readTree(arguments.isBlank() ? "{}" : arguments);
            return parsed.isObject() ? parsed : Json.MAPPER.createObjectNode();
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}

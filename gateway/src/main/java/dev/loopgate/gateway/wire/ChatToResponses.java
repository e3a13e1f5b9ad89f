package dev.loopgate.gateway.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * A chat completion (the hub) as a Responses API response, for a caller that speaks the
 * Responses API served by a provider that does not: the first choice's text as a message
 * item, its tool calls as function_call items, {@code length} as an incomplete response, and
 * the usage with cached and reasoning tokens. The response echoes the request's settings as
 * the Responses API does.
 */
public final class ChatToResponses {
    private ChatToResponses() {
    }

    /**
     * The whole response for a whole chat completion.
     *
     * @param responseId the id the gateway gives the response (and, from it, its items)
     */
    public static Buffer response(byte[] completion, JsonNode request, long createdAt, String responseId) {
        JsonNode in;
        try {
            in = Json.MAPPER.readTree(completion);
        } catch (IOException e) {
            throw new IllegalStateException("the provider's answer is not JSON", e);
        }
        String id = responseId;
        JsonNode choice = in.path("choices").path(0);
        ArrayNode output = Json.MAPPER.createArrayNode();
        String text = choice.path("message").path("content").asText("");
        if (!text.isEmpty()) {
            output.add(message(id, text, "completed"));
        }
        int index = 0;
        for (JsonNode call : choice.path("message").path("tool_calls")) {
            output.add(functionCall(id, index++, call.path("id").asText(), call.path("function").path("name").asText(),
                    call.path("function").path("arguments").asText(""), "completed"));
        }
        String finish = choice.path("finish_reason").asText("");
        return Buffer.buffer(envelope(id, in.path("model").asText(""), createdAt, "length".equals(finish)
                ? "incomplete" : "completed", output, usage(in.path("usage")), request).toString());
    }

    /** The response object every answer and stream event carries; {@code usage} may be null while it runs. */
    public static ObjectNode envelope(String responseId, String model, long createdAt, String status, ArrayNode output,
            ObjectNode usage, JsonNode request) {
        ObjectNode response = Json.MAPPER.createObjectNode()
                .put("id", responseId)
                .put("object", "response")
                .put("created_at", createdAt)
                .put("status", status);
        response.putNull("error");
        if ("incomplete".equals(status)) {
            response.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else {
            response.putNull("incomplete_details");
        }
        response.set("instructions", request.path("instructions").isTextual() ? request.get("instructions") : null);
        response.set("max_output_tokens", request.path("max_output_tokens").isNumber()
                ? request.get("max_output_tokens") : null);
        response.put("model", model);
        response.set("output", output);
        response.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
        response.set("previous_response_id", request.path("previous_response_id").isTextual()
                ? request.get("previous_response_id") : null);
        response.putObject("reasoning").putNull("effort").putNull("summary");
        response.put("store", request.path("store").asBoolean(true));
        response.put("temperature", request.path("temperature").asDouble(1.0));
        ObjectNode text = response.putObject("text");
        text.set("format", request.path("text").path("format").isObject() ? request.path("text").get("format")
                : Json.MAPPER.createObjectNode().put("type", "text"));
        response.set("tool_choice", request.has("tool_choice") ? request.get("tool_choice")
                : Json.MAPPER.getNodeFactory().textNode("auto"));
        response.set("tools", request.path("tools").isArray() ? request.get("tools") : Json.MAPPER.createArrayNode());
        response.put("top_p", request.path("top_p").asDouble(1.0));
        response.put("truncation", "disabled");
        response.set("usage", usage);
        response.set("user", request.path("user").isTextual() ? request.get("user") : null);
        response.set("metadata", request.path("metadata").isObject() ? request.get("metadata")
                : Json.MAPPER.createObjectNode());
        return response;
    }

    public static ObjectNode message(String responseId, String text, String status) {
        ObjectNode item = Json.MAPPER.createObjectNode().put("id", "msg_" + responseId.substring(5)).put("type", "message")
                .put("status", status).put("role", "assistant");
        item.putArray("content").add(outputText(text));
        return item;
    }

    public static ObjectNode outputText(String text) {
        ObjectNode part = Json.MAPPER.createObjectNode().put("type", "output_text");
        part.putArray("annotations");
        part.putArray("logprobs");
        return part.put("text", text);
    }

    public static ObjectNode functionCall(String responseId, int index, String callId, String name, String arguments,
            String status) {
        return Json.MAPPER.createObjectNode().put("id", "fc_" + responseId.substring(5) + "_" + index).put("type", "function_call")
                .put("status", status).put("arguments", arguments).put("call_id", callId).put("name", name);
    }

    /** The Responses API's usage for chat usage. */
    public static ObjectNode usage(JsonNode chat) {
        long prompt = chat.path("prompt_tokens").asLong(0);
        long completion = chat.path("completion_tokens").asLong(0);
        ObjectNode usage = Json.MAPPER.createObjectNode().put("input_tokens", prompt);
        usage.putObject("input_tokens_details")
                .put("cached_tokens", chat.path("prompt_tokens_details").path("cached_tokens").asLong(0))
                .put("cache_write_tokens", chat.path("prompt_tokens_details").path("cache_write_tokens").asLong(0));
        usage.put("output_tokens", completion);
        usage.putObject("output_tokens_details")
                .put("reasoning_tokens", chat.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
        return usage.put("total_tokens", prompt + completion);
    }
}

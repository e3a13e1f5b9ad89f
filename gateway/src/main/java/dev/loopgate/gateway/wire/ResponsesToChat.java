package dev.loopgate.gateway.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;

/**
 * A Responses API request as a chat completions request (the hub), for a provider that does
 * not serve the Responses API: instructions become a system message, input messages chat
 * messages, function calls and their outputs tool calls and tool messages, function tools
 * functions (a namespace's functions one by one), {@code text.format} the {@code response_format}. Reasoning items and settings are
 * left out (chat has no place for them); built-in tools and other item types are refused with
 * a 400 naming them, since only a provider that serves the Responses API can run them.
 */
public final class ResponsesToChat {
    private ResponsesToChat() {
    }

    /**
     * @throws GatewayException 400 for what chat cannot say, and for a {@code previous_response_id}
     *         still in the request: the gateway answers the ones it kept before this point, so this
     *         one names nothing a provider without state could continue
     */
    public static ObjectNode request(ObjectNode responses) {
        if (responses.hasNonNull("previous_response_id")) {
            throw invalid("Previous response with id '" + responses.get("previous_response_id").asText()
                    + "' not found.", "previous_response_id");
        }
        ObjectNode chat = Json.MAPPER.createObjectNode();
        chat.set("model", responses.get("model"));
        ArrayNode messages = chat.putArray("messages");
        if (responses.hasNonNull("instructions")) {
            messages.addObject().put("role", "system").put("content", responses.get("instructions").asText());
        }
        JsonNode input = responses.path("input");
        if (input.isTextual()) {
            messages.addObject().put("role", "user").put("content", input.asText());
        } else {
            for (int i = 0; i < input.size(); i++) {
                item(input.get(i), "input[" + i + "]", messages);
            }
        }
        if (responses.hasNonNull("max_output_tokens")) {
            chat.put("max_completion_tokens", responses.get("max_output_tokens").asLong());
        }
        for (String field : new String[] {"temperature", "top_p", "parallel_tool_calls", "stream"}) {
            if (responses.hasNonNull(field)) {
                chat.set(field, responses.get(field));
            }
        }
        if (responses.hasNonNull("user")) {
            chat.set("user", responses.get("user"));
        }
        format(responses.path("text").path("format"), chat);
        tools(responses, chat);
        return chat;
    }

    private static void item(JsonNode item, String at, ArrayNode messages) {
        String type = item.path("type").asText(item.has("role") ? "message" : "");
        switch (type) {
            case "message" -> message(item, at, messages);
            case "function_call" -> {
                ObjectNode assistant = lastAssistantWithCalls(messages);
                assistant.withArray("tool_calls").addObject().put("id", item.path("call_id").asText())
                        .put("type", "function").putObject("function").put("name", item.path("name").asText())
                        .put("arguments", item.path("arguments").asText("{}"));
            }
            case "function_call_output" -> messages.addObject().put("role", "tool")
                    .put("tool_call_id", item.path("call_id").asText())
                    .put("content", item.path("output").isTextual() ? item.get("output").asText()
                            : item.path("output").toString());
            case "reasoning" -> {
                // the model's earlier reasoning: chat completions has no place for it
            }
            default -> throw invalid("'" + at + "' is a '" + type + "' item, which only a provider that serves the"
                    + " Responses API can take.", at);
        }
    }

    /** Consecutive function calls are one assistant message with several tool calls, as chat writes them. */
    private static ObjectNode lastAssistantWithCalls(ArrayNode messages) {
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last instanceof ObjectNode assistant && "assistant".equals(assistant.path("role").asText())
                && assistant.has("tool_calls")) {
            return assistant;
        }
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        assistant.putNull("content");
        assistant.putArray("tool_calls");
        return assistant;
    }

    private static void message(JsonNode item, String at, ArrayNode messages) {
        String role = item.path("role").asText("user");
        String chatRole = "developer".equals(role) ? "system" : role;
        JsonNode content = item.path("content");
        if (content.isTextual()) {
            messages.addObject().put("role", chatRole).put("content", content.asText());
            return;
        }
        if ("assistant".equals(role) || "system".equals(chatRole)) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                text.append(part.path("text").asText(""));
            }
            messages.addObject().put("role", chatRole).put("content", text.toString());
            return;
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String where = at + ".content[" + i + "]";
            switch (part.path("type").asText("")) {
                case "input_text", "output_text", "text" -> parts.addObject().put("type", "text")
                        .put("text", part.path("text").asText());
                case "input_image" -> {
                    if (!part.hasNonNull("image_url")) {
                        throw invalid("'" + where + "' names a stored file, which only a provider that serves the"
                                + " Responses API can read; send image_url.", where);
                    }
                    ObjectNode url = parts.addObject().put("type", "image_url").putObject("image_url")
                            .put("url", part.get("image_url").asText());
                    if (part.hasNonNull("detail")) {
                        url.put("detail", part.get("detail").asText());
                    }
                }
                default -> throw invalid("'" + where + "' is a '" + part.path("type").asText("")
                        + "' part, which has no counterpart in chat completions.", where);
            }
        }
        messages.addObject().put("role", chatRole).set("content", parts);
    }

    private static void format(JsonNode format, ObjectNode chat) {
        switch (format.path("type").asText("")) {
            case "json_schema" -> {
                ObjectNode schema = chat.putObject("response_format").put("type", "json_schema")
                        .putObject("json_schema");
                schema.put("name", format.path("name").asText("answer"));
                schema.set("schema", format.path("schema"));
                if (format.has("strict")) {
                    schema.set("strict", format.get("strict"));
                }
            }
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            default -> {
                // text, or none: the default answer
            }
        }
    }

    private static void tools(ObjectNode responses, ObjectNode chat) {
        JsonNode tools = responses.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode out = chat.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                tool(tools.get(i), "tools[" + i + "]", out);
            }
        }
        JsonNode choice = responses.get("tool_choice");
        if (choice != null && choice.isTextual()) {
            chat.set("tool_choice", choice);
        } else if (choice != null && choice.isObject() && "function".equals(choice.path("type").asText())) {
            chat.putObject("tool_choice").put("type", "function").putObject("function")
                    .put("name", choice.path("name").asText());
        }
    }

    /** A function tool as a chat function; a namespace as the functions it groups; a built-in tool is refused. */
    private static void tool(JsonNode tool, String at, ArrayNode out) {
        String type = tool.path("type").asText("");
        if ("namespace".equals(type)) {
            JsonNode grouped = tool.path("tools");
            for (int i = 0; i < grouped.size(); i++) {
                tool(grouped.get(i), at + ".tools[" + i + "]", out);
            }
            return;
        }
        if (!"function".equals(type)) {
            throw invalid("'" + at + "' is the built-in tool '" + type + "', which only a provider that serves the"
                    + " Responses API can run.", at);
        }
        ObjectNode function = out.addObject().put("type", "function").putObject("function");
        function.put("name", tool.path("name").asText());
        if (tool.hasNonNull("description")) {
            function.put("description", tool.get("description").asText());
        }
        function.set("parameters", tool.path("parameters").isObject() ? tool.get("parameters")
                : Json.MAPPER.createObjectNode().put("type", "object"));
        if (tool.has("strict")) {
            function.set("strict", tool.get("strict"));
        }
    }

    private static GatewayException invalid(String message, String param) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message, param);
    }
}

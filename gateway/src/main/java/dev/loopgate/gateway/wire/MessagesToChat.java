package dev.loopgate.gateway.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;

/**
 * An Anthropic Messages request as a chat completions request (the hub), for a provider that
 * speaks only chat completions. System blocks become a system message, text, image, tool-use
 * and tool-result blocks their chat counterparts, tools functions. Prompt-caching marks and
 * Anthropic's context hints ({@code cache_control}, {@code context_management},
 * {@code output_config}, {@code defer_loading}) have no chat counterpart and are left out;
 * what would change the answer and cannot be said in chat (server tools, documents, thinking
 * unless dropping it is allowed) is refused with a 400 naming the field.
 */
public final class MessagesToChat {
    private MessagesToChat() {
    }

    /**
     * @param dropThinking leave out the thinking setting and earlier thinking blocks instead of refusing them
     */
    public static ObjectNode request(ObjectNode messages, boolean dropThinking) {
        ObjectNode chat = Json.MAPPER.createObjectNode();
        chat.set("model", messages.get("model"));
        ArrayNode out = chat.putArray("messages");
        String system = text(messages.get("system"), "system");
        if (!system.isEmpty()) {
            out.addObject().put("role", "system").put("content", system);
        }
        JsonNode list = messages.path("messages");
        for (int i = 0; i < list.size(); i++) {
            message(list.get(i), "messages[" + i + "]", out, dropThinking);
        }
        chat.put("max_completion_tokens", messages.path("max_tokens").asLong());
        copy(messages, chat, "temperature", "temperature");
        copy(messages, chat, "top_p", "top_p");
        copy(messages, chat, "stream", "stream");
        if (messages.has("stop_sequences")) {
            chat.set("stop", messages.get("stop_sequences"));
        }
        if (messages.path("metadata").hasNonNull("user_id")) {
            chat.put("user", messages.path("metadata").path("user_id").asText());
        }
        if (messages.hasNonNull("thinking") && !"disabled".equals(messages.path("thinking").path("type").asText())
                && !dropThinking) {
            throw invalid("'thinking' cannot be sent to this provider, which speaks chat completions; set"
                    + " drop_thinking on the provider to send the call without it.", "thinking");
        }
        if (messages.hasNonNull("top_k")) {
            throw invalid("'top_k' has no counterpart in chat completions.", "top_k");
        }
        tools(messages, chat);
        return chat;
    }

    private static void message(JsonNode message, String at, ArrayNode out, boolean dropThinking) {
        String role = message.path("role").asText();
        JsonNode content = message.path("content");
        if ("system".equals(role)) {
            out.addObject().put("role", "system").put("content", text(content, at + ".content"));
            return;
        }
        if (content.isTextual()) {
            out.addObject().put("role", role).put("content", content.asText());
            return;
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        StringBuilder assistantText = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String where = at + ".content[" + i + "]";
            switch (block.path("type").asText("")) {
                case "text" -> {
                    if ("assistant".equals(role)) {
                        assistantText.append(block.path("text").asText());
                    } else {
                        parts.addObject().put("type", "text").put("text", block.path("text").asText());
                    }
                }
                case "image" -> parts.addObject().put("type", "image_url").putObject("image_url")
                        .put("url", imageUrl(block.path("source"), where));
                case "tool_use" -> {
                    ObjectNode call = toolCalls.addObject().put("id", block.path("id").asText()).put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText())
                            .put("arguments", block.path("input").toString());
                }
                case "tool_result" -> {
                    ObjectNode result = out.addObject().put("role", "tool")
                            .put("tool_call_id", block.path("tool_use_id").asText());
                    String text = text(block.get("content"), where + ".content");
                    result.put("content", block.path("is_error").asBoolean(false) ? "Error: " + text : text);
                }
                case "thinking", "redacted_thinking" -> {
                    if (!dropThinking) {
                        throw invalid("'" + where + "' is a thinking block, which this provider cannot take; set"
                                + " drop_thinking on the provider to send the call without it.", where);
                    }
                }
                default -> throw invalid("'" + where + "' is a '" + block.path("type").asText("")
                        + "' block, which has no counterpart in chat completions.", where);
            }
        }
        if ("assistant".equals(role)) {
            ObjectNode assistant = out.addObject().put("role", "assistant");
            if (assistantText.length() > 0 || toolCalls.isEmpty()) {
                assistant.put("content", assistantText.toString());
            } else {
                assistant.putNull("content");
            }
            if (!toolCalls.isEmpty()) {
                assistant.set("tool_calls", toolCalls);
            }
        } else if (!parts.isEmpty()) {
            out.addObject().put("role", role).set("content", parts);
        }
    }

    private static void tools(ObjectNode messages, ObjectNode chat) {
        JsonNode tools = messages.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode out = chat.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode tool = tools.get(i);
                if (tool.has("type") && !"custom".equals(tool.path("type").asText())) {
                    throw invalid("'tools[" + i + "]' is Anthropic's server tool '" + tool.path("type").asText()
                            + "', which only an Anthropic provider can run.", "tools[" + i + "]");
                }
                ObjectNode function = out.addObject().put("type", "function").putObject("function");
                function.put("name", tool.path("name").asText());
                if (tool.hasNonNull("description")) {
                    function.put("description", tool.get("description").asText());
                }
                function.set("parameters", tool.path("input_schema").isObject() ? tool.get("input_schema")
                        : Json.MAPPER.createObjectNode().put("type", "object"));
            }
        }
        JsonNode choice = messages.get("tool_choice");
        if (choice != null && choice.isObject()) {
            switch (choice.path("type").asText("")) {
                case "auto" -> chat.put("tool_choice", "auto");
                case "any" -> chat.put("tool_choice", "required");
                case "none" -> chat.put("tool_choice", "none");
                case "tool" -> chat.putObject("tool_choice").put("type", "function").putObject("function")
                        .put("name", choice.path("name").asText());
                default -> throw invalid("'tool_choice.type' must be auto, any, tool or none.", "tool_choice");
            }
            if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
                chat.put("parallel_tool_calls", false);
            }
        }
    }

    private static String imageUrl(JsonNode source, String at) {
        return switch (source.path("type").asText("")) {
            case "base64" -> "data:" + source.path("media_type").asText() + ";base64," + source.path("data").asText();
            case "url" -> source.path("url").asText();
            default -> throw invalid("'" + at + ".source' must be a base64 or url image.", at + ".source");
        };
    }

    /** A string, or the text of text blocks, joined by blank lines. */
    private static String text(JsonNode content, String at) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if (!"text".equals(block.path("type").asText())) {
                throw invalid("'" + at + "' may hold only text blocks for this provider.", at);
            }
            text.append(text.length() == 0 ? "" : "\n\n").append(block.path("text").asText());
        }
        return text.toString();
    }

    private static void copy(JsonNode from, ObjectNode to, String field, String as) {
        if (from.hasNonNull(field)) {
            to.set(as, from.get(field));
        }
    }

    private static GatewayException invalid(String message, String param) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message, param);
    }
}

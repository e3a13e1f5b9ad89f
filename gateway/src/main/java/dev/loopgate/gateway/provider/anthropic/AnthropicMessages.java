package dev.loopgate.gateway.provider.anthropic;

import static dev.loopgate.gateway.provider.anthropic.AnthropicWire.unsupported;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.wire.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI chat messages as Anthropic turns. System and developer messages become the
 * top-level system blocks; tool results go back in user turns; consecutive turns of one
 * role are merged, since Anthropic wants user and assistant to alternate. An empty message
 * says nothing and is left out, as Anthropic refuses empty content.
 */
final class AnthropicMessages {
    /** The system text blocks and the alternating turns. */
    record Translated(ArrayNode system, ArrayNode turns) {
    }

    private AnthropicMessages() {
    }

    /** @param messages checked by the parse stage: a non-empty array of objects with a string role */
    static Translated translate(JsonNode messages) {
        ArrayNode system = Json.MAPPER.createArrayNode();
        ArrayNode turns = Json.MAPPER.createArrayNode();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String path = "messages[" + i + "]";
            String role = message.path("role").asText();
            switch (role) {
                case "system", "developer" -> system.addAll(textBlocks(message.get("content"), path + ".content"));
                case "user" -> append(turns, "user", userContent(message.get("content"), path + ".content"));
                case "assistant" -> append(turns, "assistant", assistantContent(message, path));
                case "tool" -> append(turns, "user", List.of(toolResult(message, path)));
                default -> throw unsupported("Messages with role '" + role + "' cannot be sent to an Anthropic model"
                        + " (supported: system, developer, user, assistant, tool).", path + ".role");
            }
        }
        return new Translated(system, turns);
    }

    private static void append(ArrayNode turns, String role, List<ObjectNode> blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        JsonNode last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
        ArrayNode content = last != null && role.equals(last.path("role").asText())
                ? (ArrayNode) last.get("content")
                : turns.addObject().put("role", role).putArray("content");
        content.addAll(blocks);
    }

    /** A string, or an array of text parts, as text blocks. */
    private static List<ObjectNode> textBlocks(JsonNode content, String path) {
        List<ObjectNode> blocks = new ArrayList<>();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            addText(blocks, content.asText());
            return blocks;
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String type = part.path("type").asText();
            if (!type.equals("text")) {
                throw unsupportedPart(type, path + "[" + j + "]");
            }
            addText(blocks, part.path("text").asText());
        }
        return blocks;
    }

    private static List<ObjectNode> userContent(JsonNode content, String path) {
        if (content == null || !content.isArray()) {
            return textBlocks(content, path);
        }
        List<ObjectNode> blocks = new ArrayList<>();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> addText(blocks, part.path("text").asText());
                case "image_url" -> blocks.add(AnthropicImages.block(part.get("image_url"), path + "[" + j + "]"));
                default -> throw unsupportedPart(type, path + "[" + j + "]");
            }
        }
        return blocks;
    }

    private static List<ObjectNode> assistantContent(JsonNode message, String path) {
        if (message.hasNonNull("function_call")) {
            throw unsupported("The legacy 'function_call' cannot be sent to an Anthropic model; use 'tool_calls'.",
                    path + ".function_call");
        }
        List<ObjectNode> blocks = textBlocks(message.get("content"), path + ".content");
        JsonNode calls = message.path("tool_calls");
        for (int j = 0; j < calls.size(); j++) {
            blocks.add(toolUse(calls.get(j), path + ".tool_calls[" + j + "]"));
        }
        return blocks;
    }

    private static ObjectNode toolUse(JsonNode call, String path) {
        String type = call.path("type").asText("function");
        if (!type.equals("function")) {
            throw unsupported("Tool calls of type '" + type + "' cannot be sent to an Anthropic model.", path + ".type");
        }
        ObjectNode block = Json.MAPPER.createObjectNode().put("type", "tool_use");
        block.put("id", requireText(call.get("id"), path + ".id"));
        block.put("name", requireText(call.path("function").get("name"), path + ".function.name"));
        block.set("input", arguments(call.path("function").get("arguments"), path + ".function.arguments"));
        return block;
    }

    /** Anthropic takes a tool call's input as an object, where OpenAI sends a JSON string. */
    private static JsonNode arguments(JsonNode arguments, String path) {
        if (arguments == null || arguments.isNull() || arguments.isTextual() && arguments.asText().isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        JsonNode input = null;
        if (arguments.isTextual()) {
            try {
                input = Json.MAPPER.readTree(arguments.asText());
            } catch (JsonProcessingException malformed) {
                input = null;
            }
        }
        if (input == null || !input.isObject()) {
            throw unsupported("'" + path + "' must be a JSON object encoded as a string; Anthropic models take tool"
                    + " arguments as an object.", path);
        }
        return input;
    }

    private static ObjectNode toolResult(JsonNode message, String path) {
        ObjectNode block = Json.MAPPER.createObjectNode().put("type", "tool_result");
        block.put("tool_use_id", requireText(message.get("tool_call_id"), path + ".tool_call_id"));
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            if (!content.asText().isEmpty()) {
                block.put("content", content.asText());
            }
        } else {
            List<ObjectNode> parts = textBlocks(content, path + ".content");
            if (!parts.isEmpty()) {
                block.putArray("content").addAll(parts);
            }
        }
        return block;
    }

    private static void addText(List<ObjectNode> blocks, String text) {
        if (!text.isEmpty()) {
            blocks.add(Json.MAPPER.createObjectNode().put("type", "text").put("text", text));
        }
    }

    private static String requireText(JsonNode node, String path) {
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            throw unsupported("'" + path + "' must be a non-empty string.", path);
        }
        return node.asText();
    }

    private static RuntimeException unsupportedPart(String type, String path) {
        return unsupported("Content parts of type '" + type + "' cannot be sent to an Anthropic model here.", path);
    }
}

package dev.loopgate.gateway.provider.anthropic;

import static dev.loopgate.gateway.provider.anthropic.AnthropicWire.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.wire.Json;

/**
 * OpenAI {@code tools}, {@code tool_choice}, {@code parallel_tool_calls} and JSON-schema
 * answers in Anthropic's terms. Anthropic has no JSON-schema answer, so the schema becomes
 * one more tool whose input is the answer: forced when it is the only way to answer,
 * offered beside the caller's tools (with a tool call required) when the model may choose.
 * The response converters read that tool's input back as the message text.
 */
final class AnthropicTools {
    static final String DEFAULT_JSON_TOOL = "json_response";
    private static final String JSON_TOOL_DESCRIPTION =
            "Give your final answer as this tool's input; it is returned to the user as a JSON object.";

    private AnthropicTools() {
    }

    /** Sets {@code tools} and {@code tool_choice} on {@code out}; returns the JSON-answer tool's name, or null. */
    static String apply(JsonNode openAi, ObjectNode out) {
        ArrayNode tools = tools(openAi.get("tools"));
        ObjectNode choice = tools.isEmpty() ? null : choice(openAi.get("tool_choice"));
        String jsonTool = null;
        JsonNode format = openAi.path("response_format");
        if ("json_schema".equals(format.path("type").asText())) {
            String kind = choice == null ? "auto" : choice.path("type").asText();
            // "any" and "tool" already make the answer a tool call; the schema has no say then.
            if (kind.equals("auto") || kind.equals("none")) {
                ObjectNode tool = jsonTool(format.path("json_schema"), tools);
                jsonTool = tool.path("name").asText();
                boolean mayChoose = kind.equals("auto") && !tools.isEmpty();
                tools.add(tool);
                choice = mayChoose ? Json.MAPPER.createObjectNode().put("type", "any")
                        : Json.MAPPER.createObjectNode().put("type", "tool").put("name", jsonTool);
            }
        }
        JsonNode parallel = openAi.get("parallel_tool_calls");
        if (parallel != null && parallel.isBoolean() && !parallel.booleanValue() && !tools.isEmpty()) {
            if (choice == null) {
                choice = Json.MAPPER.createObjectNode().put("type", "auto");
            }
            if (!choice.path("type").asText().equals("none")) {
                choice.put("disable_parallel_tool_use", true);
            }
        }
        if (!tools.isEmpty()) {
            out.set("tools", tools);
        }
        if (choice != null) {
            out.set("tool_choice", choice);
        }
        return jsonTool;
    }

    private static ArrayNode tools(JsonNode tools) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (tools == null || tools.isNull()) {
            return out;
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String path = "tools[" + i + "]";
            String type = tool.path("type").asText();
            if (!type.equals("function")) {
                throw unsupported("Tools of type '" + type + "' cannot be sent to an Anthropic model"
                        + " (only 'function').", path + ".type");
            }
            JsonNode function = tool.path("function");
            JsonNode name = function.get("name");
            if (name == null || !name.isTextual() || name.asText().isEmpty()) {
                throw unsupported("'" + path + ".function.name' must be a non-empty string.", path + ".function.name");
            }
            ObjectNode converted = out.addObject().put("name", name.asText());
            if (function.hasNonNull("description")) {
                converted.put("description", function.get("description").asText());
            }
            JsonNode parameters = function.get("parameters");
            converted.set("input_schema", parameters != null && parameters.isObject() ? parameters : emptySchema());
        }
        return out;
    }

    private static ObjectNode choice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            String anthropicType = switch (choice.asText()) {
                case "auto" -> "auto";
                case "none" -> "none";
                case "required" -> "any";
                default -> throw unsupported("'tool_choice' must be auto, none, required or a function;"
                        + " got '" + choice.asText() + "'.", "tool_choice");
            };
            return Json.MAPPER.createObjectNode().put("type", anthropicType);
        }
        JsonNode name = choice.path("function").get("name");
        if (!"function".equals(choice.path("type").asText()) || name == null || !name.isTextual()) {
            throw unsupported("'tool_choice' of this kind cannot be sent to an Anthropic model; use auto, none,"
                    + " required or {\"type\":\"function\",\"function\":{\"name\":...}}.", "tool_choice");
        }
        return Json.MAPPER.createObjectNode().put("type", "tool").put("name", name.asText());
    }

    private static ObjectNode jsonTool(JsonNode jsonSchema, ArrayNode tools) {
        String name = jsonSchema.path("name").asText(DEFAULT_JSON_TOOL);
        for (JsonNode tool : tools) {
            if (tool.path("name").asText().equals(name)) {
                throw unsupported("The JSON schema's name '" + name + "' is also the name of a tool; Anthropic"
                        + " models answer in a schema through a tool of that name, so rename one of them.",
                        "response_format.json_schema.name");
            }
        }
        ObjectNode tool = Json.MAPPER.createObjectNode().put("name", name);
        tool.put("description", jsonSchema.path("description").asText(JSON_TOOL_DESCRIPTION));
        JsonNode schema = jsonSchema.get("schema");
        tool.set("input_schema", schema != null && schema.isObject() ? schema : emptySchema());
        return tool;
    }

    private static ObjectNode emptySchema() {
        ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object");
        schema.putObject("properties");
        return schema;
    }
}

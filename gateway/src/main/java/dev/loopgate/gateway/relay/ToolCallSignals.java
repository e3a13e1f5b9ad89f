package dev.loopgate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.call.Dialect;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.gateway.wire.SseEvents;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What one streamed event says of the tool calls in it, read in the dialect the client gets:
 * chat's {@code delta.tool_calls} (a call's first delta names it, later ones carry its arguments,
 * the choice's {@code finish_reason} ends them), Messages' {@code tool_use} blocks
 * ({@code content_block_start}, {@code input_json_delta}, {@code content_block_stop}) and the
 * Responses API's {@code function_call} items ({@code output_item.added}, {@code
 * function_call_arguments.delta}, {@code output_item.done}).
 */
final class ToolCallSignals {
    /** What the gate is told of one event; {@code key} tells a stream's calls apart. */
    interface Listener {
        void started(int key, String name);

        void arguments(int key, String fragment);

        /** The call is whole; {@code arguments} its whole arguments when the event carries them, else null. */
        void done(int key, String arguments);

        /** No call follows: the answer's calls are all whole. */
        void finished();
    }

    /** Chat's calls of choice {@code c} are keyed {@code c * CHOICE_KEYS + index}. */
    private static final int CHOICE_KEYS = 1 << 16;
    private static final byte[] TOOL_CALLS = "\"tool_calls\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOOL_USE = "\"tool_use\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FUNCTION_CALL = "\"function_call\"".getBytes(StandardCharsets.US_ASCII);

    private final Dialect dialect;

    ToolCallSignals(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Reads the event {@code data[start, end)}, telling {@code listener} what it says of tool calls.
     *
     * @param open whether a call is still arriving: then every event is read, otherwise only one
     *        that may start a call
     */
    void read(Buffer data, int start, int end, boolean open, Listener listener) {
        int[] payload = SseEvents.dataPayload(data, start, end);
        if (payload == null) {
            return;
        }
        if (SseEvents.isDone(data, payload[0], payload[1])) {
            listener.finished();
            return;
        }
        if (!open && !mayStart(data, payload[0], payload[1])) {
            return;
        }
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(data.getBytes(payload[0], payload[1]));
        } catch (IOException malformed) {
            return;
        }
        switch (dialect) {
            case OPENAI -> chat(event, listener);
            case ANTHROPIC -> messages(event, listener);
            case RESPONSES -> responses(event, listener);
        }
    }

    /** Whether the payload may start a tool call: most events are text, and are not parsed here. */
    private boolean mayStart(Buffer data, int start, int end) {
        byte[] marker = switch (dialect) {
            case OPENAI -> TOOL_CALLS;
            case ANTHROPIC -> TOOL_USE;
            case RESPONSES -> FUNCTION_CALL;
        };
        return SseEvents.contains(data, start, end, marker);
    }

    private static void chat(JsonNode chunk, Listener listener) {
        for (JsonNode choice : chunk.path("choices")) {
            int base = choice.path("index").asInt(0) * CHOICE_KEYS;
            for (JsonNode call : choice.path("delta").path("tool_calls")) {
                int key = base + call.path("index").asInt(0);
                JsonNode function = call.path("function");
                String name = function.path("name").asText("");
                if (!name.isEmpty()) {
                    listener.started(key, name);
                }
                String fragment = function.path("arguments").asText("");
                if (!fragment.isEmpty()) {
                    listener.arguments(key, fragment);
                }
            }
            if (choice.path("finish_reason").isTextual()) {
                listener.finished();
            }
        }
    }

    private static void messages(JsonNode event, Listener listener) {
        int key = event.path("index").asInt(0);
        switch (event.path("type").asText("")) {
            case "content_block_start" -> {
                JsonNode block = event.path("content_block");
                if ("tool_use".equals(block.path("type").asText())) {
                    listener.started(key, block.path("name").asText(""));
                    JsonNode input = block.path("input");
                    if (input.isObject() && !input.isEmpty()) {
                        listener.arguments(key, input.toString());
                    }
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = event.path("delta");
                if ("input_json_delta".equals(delta.path("type").asText())) {
                    listener.arguments(key, delta.path("partial_json").asText(""));
                }
            }
            case "content_block_stop" -> listener.done(key, null);
            case "message_delta" -> listener.finished();
            default -> {
            }
        }
    }

    private static void responses(JsonNode event, Listener listener) {
        int key = event.path("output_index").asInt(0);
        JsonNode item = event.path("item");
        switch (event.path("type").asText("")) {
            case "response.output_item.added" -> {
                if ("function_call".equals(item.path("type").asText())) {
                    listener.started(key, item.path("name").asText(""));
                }
            }
            case "response.function_call_arguments.delta" -> listener.arguments(key, event.path("delta").asText(""));
            case "response.output_item.done" -> {
                if ("function_call".equals(item.path("type").asText())) {
                    listener.done(key, item.path("arguments").asText(""));
                }
            }
            default -> {
            }
        }
    }
}

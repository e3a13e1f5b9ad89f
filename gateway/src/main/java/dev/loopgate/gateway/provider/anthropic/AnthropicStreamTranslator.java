package dev.loopgate.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.provider.SseTranslator;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.gateway.wire.SseEvents;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Anthropic's Messages stream as OpenAI {@code chat.completion.chunk} events, each event
 * translated as soon as it is complete (events may straddle upstream buffers): a role
 * chunk, text and tool-call deltas, the finish chunk, a usage chunk, then {@code [DONE]}.
 *
 * <p>The role chunk waits for the first content: a stream that fails before any (Anthropic
 * sends {@code overloaded_error} this way) then yields nothing at all, so the relay has sent
 * the client nothing and the next target may still be tried.
 *
 * <p>A stream that fails (an {@code error} event, data that is not JSON, an end before
 * {@code message_stop}) never gets {@code [DONE]}: that is how the relay knows it was cut.
 */
public final class AnthropicStreamTranslator extends SseTranslator {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    /** What one Anthropic content block becomes. */
    private enum Kind { TEXT, TOOL_CALL, JSON_ANSWER, IGNORED }

    private static final class Block {
        final Kind kind;
        final int toolIndex;
        boolean hasInput;

        Block(Kind kind, int toolIndex) {
            this.kind = kind;
            this.toolIndex = toolIndex;
        }
    }

    private final long created;
    private final String jsonTool;
    private final Map<Integer, Block> blocks = new HashMap<>();
    /** Anthropic's usage so far: message_start's, overwritten by message_delta's cumulative counts. */
    private final ObjectNode usage = Json.MAPPER.createObjectNode();
    private String id = "";
    private String model = "";
    private int toolCalls;
    private boolean roleSent;
    private boolean finishSent;

    /**
     * @param created the epoch second every chunk carries
     * @param jsonTool the tool that carries a JSON-schema answer, streamed as content; may be null
     */
    public AnthropicStreamTranslator(long created, String jsonTool) {
        this.created = created;
        this.jsonTool = jsonTool;
    }

    @Override
    protected void event(Buffer data, int start, int end, Buffer out) {
        int[] payload = SseEvents.dataPayload(data, start, end);
        if (payload == null || payload[1] == payload[0]) {
            return;
        }
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(data.getBytes(payload[0], payload[1]));
        } catch (IOException malformed) {
            markFailed();
            return;
        }
        switch (event.path("type").asText()) {
            case "message_start" -> messageStart(event.path("message"));
            case "content_block_start" -> blockStart(event.path("index").asInt(), event.path("content_block"), out);
            case "content_block_delta" -> blockDelta(blocks.get(event.path("index").asInt()), event.path("delta"), out);
            case "content_block_stop" -> blockStop(blocks.get(event.path("index").asInt()), out);
            case "message_delta" -> messageDelta(event, out);
            case "message_stop" -> messageStop(out);
            case "error" -> markFailed();
            // ping, and event types Anthropic may add: nothing to tell the client
            default -> { }
        }
    }

    private void messageStart(JsonNode message) {
        id = message.path("id").asText();
        model = message.path("model").asText();
        mergeUsage(message.path("usage"));
    }

    private void blockStart(int index, JsonNode block, Buffer out) {
        String type = block.path("type").asText();
        if (type.equals("text")) {
            blocks.put(index, new Block(Kind.TEXT, -1));
            role(out);
            content(out, block.path("text").asText());
        } else if (type.equals("tool_use") && block.path("name").asText().equals(jsonTool)) {
            blocks.put(index, new Block(Kind.JSON_ANSWER, -1));
        } else if (type.equals("tool_use")) {
            Block call = new Block(Kind.TOOL_CALL, toolCalls++);
            blocks.put(index, call);
            ObjectNode toolCall = Json.MAPPER.createObjectNode().put("index", call.toolIndex)
                    .put("id", block.path("id").asText()).put("type", "function");
            toolCall.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
            toolCallChunk(out, toolCall);
        } else {
            // Thinking and server-side tool blocks have no OpenAI counterpart.
            blocks.put(index, new Block(Kind.IGNORED, -1));
        }
    }

    private void blockDelta(Block block, JsonNode delta, Buffer out) {
        if (block == null) {
            return;
        }
        String type = delta.path("type").asText();
        if (type.equals("text_delta") && block.kind == Kind.TEXT) {
            content(out, delta.path("text").asText());
        } else if (type.equals("input_json_delta")) {
            String json = delta.path("partial_json").asText();
            block.hasInput |= !json.isEmpty();
            input(block, json, out);
        }
    }

    /** A tool called without arguments still gets {@code {}}: an empty string is not JSON. */
    private void blockStop(Block block, Buffer out) {
        if (block != null && !block.hasInput) {
            input(block, "{}", out);
        }
    }

    private void input(Block block, String json, Buffer out) {
        if (json.isEmpty()) {
            return;
        }
        if (block.kind == Kind.TOOL_CALL) {
            ObjectNode toolCall = Json.MAPPER.createObjectNode().put("index", block.toolIndex);
            toolCall.putObject("function").put("arguments", json);
            toolCallChunk(out, toolCall);
        } else if (block.kind == Kind.JSON_ANSWER) {
            content(out, json);
        }
    }

    private void messageDelta(JsonNode event, Buffer out) {
        mergeUsage(event.path("usage"));
        JsonNode stopReason = event.path("delta").path("stop_reason");
        if (stopReason.isTextual() && !finishSent) {
            finish(out, AnthropicWire.finishReason(stopReason.asText(), toolCalls > 0));
        }
    }

    /** The end of the answer: the finish chunk if no stop reason came, the usage chunk, and [DONE]. */
    private void messageStop(Buffer out) {
        if (!finishSent) {
            finish(out, "stop");
        }
        ObjectNode usageChunk = envelope();
        usageChunk.putArray("choices");
        usageChunk.set("usage", AnthropicWire.usage(usage));
        write(out, usageChunk);
        out.appendBytes(DONE);
        markDone();
    }

    private void finish(Buffer out, String reason) {
        finishSent = true;
        role(out);
        ObjectNode chunk = envelope();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.put("finish_reason", reason);
        write(out, chunk);
    }

    private void content(Buffer out, String text) {
        if (!text.isEmpty()) {
            chunk(out, Json.MAPPER.createObjectNode().put("content", text));
        }
    }

    private void toolCallChunk(Buffer out, ObjectNode toolCall) {
        ObjectNode delta = Json.MAPPER.createObjectNode();
        delta.putArray("tool_calls").add(toolCall);
        chunk(out, delta);
    }

    private void chunk(Buffer out, ObjectNode delta) {
        role(out);
        write(out, choiceChunk(delta));
    }

    /** The first chunk of every answer, as OpenAI sends it: the role alone. */
    private void role(Buffer out) {
        if (!roleSent) {
            roleSent = true;
            write(out, choiceChunk(Json.MAPPER.createObjectNode().put("role", "assistant")));
        }
    }

    private ObjectNode choiceChunk(ObjectNode delta) {
        ObjectNode chunk = envelope();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return chunk;
    }

    private ObjectNode envelope() {
        return Json.MAPPER.createObjectNode()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", created)
                .put("model", model);
    }

    private void mergeUsage(JsonNode counts) {
        counts.properties().forEach(field -> {
            if (field.getValue().isNumber()) {
                usage.set(field.getKey(), field.getValue());
            }
        });
    }

    private static void write(Buffer out, ObjectNode json) {
        out.appendString("data: ").appendString(json.toString()).appendString("\n\n");
    }
}

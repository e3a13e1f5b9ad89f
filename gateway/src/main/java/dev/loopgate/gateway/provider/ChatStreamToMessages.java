package dev.loopgate.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.wire.ChatToMessages;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * A chat completions stream (the hub) as Anthropic Messages events, each chunk translated as
 * soon as it is complete: {@code message_start}, then per piece of content a text or
 * {@code tool_use} block with its deltas, and at {@code [DONE]} the {@code message_delta}
 * (stop reason and the usage, input included, since chat streams count it only at the end)
 * and {@code message_stop}. Every event has its {@code event:} line.
 *
 * <p>Nothing is written before the first content, so a stream that fails at once lets the
 * next target be tried; a stream that ends without {@code [DONE]} never gets
 * {@code message_stop}, which is how the relay knows it was cut.
 */
public final class ChatStreamToMessages extends ChatChunkTranslator {
    private boolean started;
    /** The index of the open content block, or -1. */
    private int open = -1;
    private int blocks;
    /** The chat tool-call index the open tool_use block carries, or -1. */
    private int openTool = -1;
    private String stopReason = "end_turn";
    private JsonNode usage = Json.MAPPER.createObjectNode();
    private String id = "";
    private String model = "";

    @Override
    protected void chunk(JsonNode chunk, Buffer out) {
        if (id.isEmpty()) {
            id = chunk.path("id").asText("");
            model = chunk.path("model").asText("");
        }
        if (chunk.hasNonNull("usage")) {
            usage = chunk.get("usage");
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String text = delta.path("content").asText("");
        if (!text.isEmpty()) {
            if (openTool >= 0 || open < 0) {
                openBlock(out, Json.MAPPER.createObjectNode().put("type", "text").put("text", ""));
                openTool = -1;
            }
            write(out, "content_block_delta", Json.MAPPER.createObjectNode().put("type", "content_block_delta")
                    .put("index", open).set("delta", Json.MAPPER.createObjectNode().put("type", "text_delta")
                            .put("text", text)));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            int index = call.path("index").asInt(0);
            if (index != openTool) {
                ObjectNode block = Json.MAPPER.createObjectNode().put("type", "tool_use")
                        .put("id", call.path("id").asText("toolu_" + index))
                        .put("name", call.path("function").path("name").asText(""));
                block.putObject("input");
                openBlock(out, block);
                openTool = index;
            }
            String arguments = call.path("function").path("arguments").asText("");
            if (!arguments.isEmpty()) {
                write(out, "content_block_delta", Json.MAPPER.createObjectNode().put("type", "content_block_delta")
                        .put("index", open).set("delta", Json.MAPPER.createObjectNode()
                                .put("type", "input_json_delta").put("partial_json", arguments)));
            }
        }
        if (choice.hasNonNull("finish_reason")) {
            stopReason = ChatToMessages.stopReason(choice.get("finish_reason").asText());
        }
    }

    private void openBlock(Buffer out, ObjectNode block) {
        start(out);
        closeBlock(out);
        open = blocks++;
        write(out, "content_block_start", Json.MAPPER.createObjectNode().put("type", "content_block_start")
                .put("index", open).set("content_block", block));
    }

    private void closeBlock(Buffer out) {
        if (open >= 0) {
            write(out, "content_block_stop", Json.MAPPER.createObjectNode().put("type", "content_block_stop")
                    .put("index", open));
            open = -1;
        }
    }

    private void start(Buffer out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode message = Json.MAPPER.createObjectNode().put("id", "msg_" + id).put("type", "message")
                .put("role", "assistant").put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", ChatToMessages.usage(Json.MAPPER.createObjectNode()));
        write(out, "message_start", Json.MAPPER.createObjectNode().put("type", "message_start").set("message", message));
    }

    @Override
    protected void finish(Buffer out) {
        start(out);
        closeBlock(out);
        ObjectNode delta = Json.MAPPER.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        delta.set("usage", ChatToMessages.usage(usage));
        write(out, "message_delta", delta);
        write(out, "message_stop", Json.MAPPER.createObjectNode().put("type", "message_stop"));
        markDone();
    }

    private static void write(Buffer out, String event, ObjectNode data) {
        out.appendString("event: " + event + "\ndata: ", StandardCharsets.UTF_8.name()).appendString(data.toString())
                .appendString("\n\n");
    }
}

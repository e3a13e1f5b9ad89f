package dev.loopgate.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.wire.ChatToResponses;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.buffer.Buffer;

/**
 * A chat completions stream (the hub) as Responses API events, each chunk translated as soon
 * as it is complete: {@code response.created} and {@code response.in_progress}; per piece of
 * content a message item ({@code output_item.added}, {@code content_part.added},
 * {@code output_text.delta}s, then the {@code .done} events) or a function_call item (with its
 * {@code function_call_arguments.delta}s); and at {@code [DONE]} {@code response.completed}
 * (or {@code response.incomplete} when the output cap cut it) with the whole response and its
 * usage. Every event carries its {@code event:} line and {@code sequence_number}.
 *
 * <p>Nothing is written before the first content, so a stream that fails at once lets the next
 * target be tried; a stream that ends without {@code [DONE]} never gets its completion, which is
 * how the relay knows it was cut.
 */
public final class ChatStreamToResponses extends ChatChunkTranslator {
    private final JsonNode request;
    private final long createdAt;
    private final String responseId;
    private final ArrayNode output = Json.MAPPER.createArrayNode();
    private boolean started;
    private int sequence;
    private String model = "";
    /** The open item: a message or a function call, with the chat tool index it carries (-1 for a message). */
    private ObjectNode open;
    private int openTool = -1;
    private final StringBuilder openText = new StringBuilder();
    private int toolItems;
    private String finishReason = "";
    private JsonNode usage = Json.MAPPER.createObjectNode();

    /**
     * @param request   the caller's Responses request, whose settings the response echoes
     * @param createdAt the epoch second the response carries
     * @param responseId the id the gateway gives the response ({@code resp_...})
     */
    public ChatStreamToResponses(JsonNode request, long createdAt, String responseId) {
        this.request = request;
        this.createdAt = createdAt;
        this.responseId = responseId;
    }

    @Override
    protected void chunk(JsonNode chunk, Buffer out) {
        if (model.isEmpty()) {
            model = chunk.path("model").asText("");
        }
        if (chunk.hasNonNull("usage")) {
            usage = chunk.get("usage");
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String text = delta.path("content").asText("");
        if (!text.isEmpty()) {
            if (open == null || openTool >= 0) {
                openMessage(out);
            }
            openText.append(text);
            write(out, "response.output_text.delta", item().put("content_index", 0).put("delta", text)
                    .set("logprobs", Json.MAPPER.createArrayNode()));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            int index = call.path("index").asInt(0);
            if (open == null || index != openTool) {
                openCall(out, index, call);
            }
            String arguments = call.path("function").path("arguments").asText("");
            if (!arguments.isEmpty()) {
                openText.append(arguments);
                write(out, "response.function_call_arguments.delta", item().put("delta", arguments));
            }
        }
        if (choice.hasNonNull("finish_reason")) {
            finishReason = choice.get("finish_reason").asText();
        }
    }

    private void openMessage(Buffer out) {
        start(out);
        close(out);
        open = ChatToResponses.message(responseId, "", "in_progress");
        open.withArray("content").removeAll();
        openTool = -1;
        write(out, "response.output_item.added", Json.MAPPER.createObjectNode().put("output_index", output.size())
                .set("item", open.deepCopy()));
        write(out, "response.content_part.added", item().put("content_index", 0)
                .set("part", ChatToResponses.outputText("")));
    }

    private void openCall(Buffer out, int index, JsonNode call) {
        start(out);
        close(out);
        open = ChatToResponses.functionCall(responseId, toolItems++, call.path("id").asText("call_" + index),
                call.path("function").path("name").asText(""), "", "in_progress");
        openTool = index;
        write(out, "response.output_item.added", Json.MAPPER.createObjectNode().put("output_index", output.size())
                .set("item", open.deepCopy()));
    }

    /** Ends the open item with its .done events and adds it to the response's output. */
    private void close(Buffer out) {
        if (open == null) {
            return;
        }
        String text = openText.toString();
        ObjectNode finished;
        if (openTool < 0) {
            write(out, "response.output_text.done", item().put("content_index", 0).put("text", text)
                    .set("logprobs", Json.MAPPER.createArrayNode()));
            write(out, "response.content_part.done", item().put("content_index", 0)
                    .set("part", ChatToResponses.outputText(text)));
            finished = ChatToResponses.message(responseId, text, "completed");
        } else {
            write(out, "response.function_call_arguments.done", item().put("arguments", text));
            finished = open.put("arguments", text).put("status", "completed");
        }
        write(out, "response.output_item.done", Json.MAPPER.createObjectNode().put("output_index", output.size())
                .set("item", finished));
        output.add(finished);
        open = null;
        openText.setLength(0);
    }

    /** The item-addressing fields of the open item's events. */
    private ObjectNode item() {
        return Json.MAPPER.createObjectNode().put("item_id", open.path("id").asText()).put("output_index", output.size());
    }

    private void start(Buffer out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode running = ChatToResponses.envelope(responseId, model, createdAt, "in_progress",
                Json.MAPPER.createArrayNode(), null, request);
        write(out, "response.created", Json.MAPPER.createObjectNode().set("response", running));
        write(out, "response.in_progress", Json.MAPPER.createObjectNode().set("response", running.deepCopy()));
    }

    @Override
    protected void finish(Buffer out) {
        start(out);
        close(out);
        boolean cut = "length".equals(finishReason);
        ObjectNode response = ChatToResponses.envelope(responseId, model, createdAt, cut ? "incomplete" : "completed",
                output, ChatToResponses.usage(usage), request);
        write(out, cut ? "response.incomplete" : "response.completed",
                Json.MAPPER.createObjectNode().set("response", response));
        markDone();
    }

    private void write(Buffer out, String type, ObjectNode event) {
        ObjectNode data = Json.MAPPER.createObjectNode().put("type", type).put("sequence_number", sequence++);
        data.setAll(event);
        out.appendString("event: " + type + "\ndata: ").appendString(data.toString()).appendString("\n\n");
    }
}

package dev.loopgate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.gateway.wire.ResponsesUsage;
import dev.loopgate.gateway.wire.SseEvents;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Responses API events, relayed as they are: the usage is {@code response.completed}'s (or
 * {@code response.incomplete}'s, an answer cut by its output cap); either ends the answer;
 * {@code response.failed} and {@code error} from the provider end it as failed.
 */
public final class ResponsesStreamEvents implements StreamEvents {
    private final StringBuilder text = new StringBuilder();
    private Usage usage = Usage.NONE;
    private boolean completed;
    private boolean failed;

    @Override
    public boolean read(Buffer data, int start, int end) {
        int[] payload = SseEvents.dataPayload(data, start, end);
        if (payload == null) {
            return false;
        }
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(data.getBytes(payload[0], payload[1]));
        } catch (IOException malformed) {
            return false;
        }
        switch (event.path("type").asText("")) {
            case "response.output_text.delta", "response.function_call_arguments.delta",
                    "response.reasoning_summary_text.delta" -> count(event.path("delta"));
            case "response.completed", "response.incomplete" -> {
                completed = true;
                usageOf(event);
            }
            case "response.failed", "error" -> {
                failed = true;
                usageOf(event);
            }
            default -> {
                // created, in_progress, output_item.*, content_part.* and types added later pass as they are
            }
        }
        return false;
    }

    private void usageOf(JsonNode event) {
        JsonNode found = event.path("response").path("usage");
        if (found.isObject()) {
            usage = ResponsesUsage.of(found);
        }
    }

    private void count(JsonNode delta) {
        if (delta.isTextual() && text.length() < MAX_COUNTED_CHARS) {
            text.append(delta.asText());
        }
    }

    @Override
    public boolean completed() {
        return completed;
    }

    @Override
    public boolean failedInBand() {
        return failed;
    }

    @Override
    public Usage usage() {
        return usage;
    }

    @Override
    public CharSequence text() {
        return text;
    }

    /** An {@code error} event, as the Responses API ends a stream that failed. */
    @Override
    public Buffer failureEvent(GatewayException error) {
        return Buffer.buffer("event: error\ndata: " + Json.MAPPER.createObjectNode().put("type", "error")
                .put("code", error.code().code()).put("message", error.getMessage()).putNull("param") + "\n\n");
    }
}

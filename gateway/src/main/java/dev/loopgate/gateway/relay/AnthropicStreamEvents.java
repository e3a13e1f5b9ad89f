package dev.loopgate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.error.ErrorBodies;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.AnthropicUsage;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.gateway.wire.SseEvents;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Anthropic Messages events, relayed as they are: the usage is {@code message_start}'s,
 * with {@code message_delta}'s cumulative counts over it; the answer is complete on
 * {@code message_stop}; an {@code error} event from the provider ends it as failed.
 */
public final class AnthropicStreamEvents implements StreamEvents {
    private final StringBuilder text = new StringBuilder();
    private JsonNode startUsage;
    private Usage usage = Usage.NONE;
    private boolean stopped;
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
            case "message_start" -> {
                startUsage = event.path("message").path("usage");
                usage = AnthropicUsage.of(startUsage);
            }
            case "message_delta" -> usage = AnthropicUsage.of(merged(event.path("usage")));
            case "content_block_delta" -> count(event.path("delta"));
            case "message_stop" -> stopped = true;
            case "error" -> failed = true;
            default -> {
                // ping, content_block_start/stop and types added later pass as they are
            }
        }
        return false;
    }

    /** message_delta's counts are cumulative and may name only some fields: they replace message_start's. */
    private JsonNode merged(JsonNode delta) {
        if (startUsage == null || !startUsage.isObject()) {
            return delta;
        }
        ObjectNode both = startUsage.deepCopy();
        delta.fields().forEachRemaining(field -> both.set(field.getKey(), field.getValue()));
        return both;
    }

    private void count(JsonNode delta) {
        if (text.length() >= MAX_COUNTED_CHARS) {
            return;
        }
        for (String field : new String[] {"text", "partial_json", "thinking"}) {
            JsonNode part = delta.get(field);
            if (part != null && part.isTextual()) {
                text.append(part.asText());
            }
        }
    }

    @Override
    public boolean completed() {
        return stopped;
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

    @Override
    public Buffer failureEvent(GatewayException error) {
        return ErrorBodies.anthropicSseEvent(error);
    }
}

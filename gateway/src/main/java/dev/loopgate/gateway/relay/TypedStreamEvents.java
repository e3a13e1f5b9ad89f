package dev.loopgate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.gateway.wire.SseEvents;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Events whose payload is a JSON object named by its {@code type} (Anthropic Messages, the
 * Responses API), relayed as they are: each is parsed and handed to {@link #on}, which records
 * what the relay needs through the setters here. None is ever kept from the client.
 */
abstract class TypedStreamEvents implements StreamEvents {
    private final StringBuilder text = new StringBuilder();
    private Usage usage = Usage.NONE;
    private boolean completed;
    private boolean failed;

    /** Reads one event of the given {@code type}. */
    protected abstract void on(String type, JsonNode event);

    @Override
    public final boolean read(Buffer data, int start, int end) {
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
        on(event.path("type").asText(""), event);
        return false;
    }

    /** Adds streamed text to what a call without usage is charged by counting, up to the bound. */
    protected final void count(JsonNode part) {
        if (part != null && part.isTextual() && text.length() < MAX_COUNTED_CHARS) {
            text.append(part.asText());
        }
    }

    protected final void usage(Usage usage) {
        this.usage = usage;
    }

    protected final void complete() {
        completed = true;
    }

    protected final void fail() {
        failed = true;
    }

    @Override
    public final boolean completed() {
        return completed;
    }

    @Override
    public final boolean failedInBand() {
        return failed;
    }

    @Override
    public final Usage usage() {
        return usage;
    }

    @Override
    public final CharSequence text() {
        return text;
    }
}

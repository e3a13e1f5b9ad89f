package dev.loopgate.gateway.relay;

import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.error.ErrorBodies;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.OpenAiWire;
import dev.loopgate.gateway.wire.SseEvents;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Chat completion chunks: complete on {@code [DONE]}; only payloads that may carry usage are
 * parsed, and the usage-only chunk the client did not ask for is dropped.
 */
public final class OpenAiStreamEvents implements StreamEvents {
    private final boolean clientWantsUsage;
    private final StringBuilder text = new StringBuilder();
    private boolean sawDone;
    private Usage usage = Usage.NONE;

    public OpenAiStreamEvents(boolean clientWantsUsage) {
        this.clientWantsUsage = clientWantsUsage;
    }

    @Override
    public boolean read(Buffer data, int start, int end) {
        int[] payload = SseEvents.dataPayload(data, start, end);
        if (payload == null) {
            return false;
        }
        if (SseEvents.isDone(data, payload[0], payload[1])) {
            sawDone = true;
            return false;
        }
        boolean mayCarryUsage = SseEvents.mayCarryUsage(data, payload[0], payload[1]);
        boolean countText = usage == Usage.NONE && text.length() < MAX_COUNTED_CHARS;
        if (!mayCarryUsage && !countText) {
            return false;
        }
        try {
            byte[] json = data.getBytes(payload[0], payload[1]);
            if (countText) {
                OpenAiWire.appendGeneratedText(json, 0, json.length, text);
            }
            if (!mayCarryUsage) {
                return false;
            }
            OpenAiWire.UsageChunk found = OpenAiWire.readUsage(json, 0, json.length);
            if (found == null) {
                return false;
            }
            usage = found.usage();
            return found.usageOnly() && !clientWantsUsage;
        } catch (IOException malformed) {
            return false;
        }
    }

    @Override
    public boolean completed() {
        return sawDone;
    }

    @Override
    public boolean failedInBand() {
        return false;
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
        return ErrorBodies.sseEvent(error);
    }
}

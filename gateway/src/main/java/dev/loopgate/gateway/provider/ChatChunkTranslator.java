package dev.loopgate.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.gateway.wire.SseEvents;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * A translator of a chat completions stream (the hub's) into another dialect's: reads each
 * event's JSON chunk and hands it to {@link #chunk}, ends the stream with {@link #finish} at
 * {@code [DONE]}, and fails it on a chunk that is malformed or carries an error.
 */
abstract class ChatChunkTranslator extends SseTranslator {

    /** Translates one chat chunk, appending what it becomes to {@code out}. */
    protected abstract void chunk(JsonNode chunk, Buffer out);

    /** The upstream sent {@code [DONE]}: appends the translated stream's ending to {@code out}. */
    protected abstract void finish(Buffer out);

    @Override
    protected final void event(Buffer data, int start, int end, Buffer out) {
        int[] payload = SseEvents.dataPayload(data, start, end);
        if (payload == null || payload[1] == payload[0]) {
            return;
        }
        if (SseEvents.isDone(data, payload[0], payload[1])) {
            finish(out);
            return;
        }
        JsonNode chunk;
        try {
            chunk = Json.MAPPER.readTree(data.getBytes(payload[0], payload[1]));
        } catch (IOException malformed) {
            markFailed();
            return;
        }
        if (chunk.has("error")) {
            markFailed();
            return;
        }
        chunk(chunk, out);
    }
}

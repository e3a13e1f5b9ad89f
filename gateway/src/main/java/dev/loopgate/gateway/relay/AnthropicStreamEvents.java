package dev.loopgate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.error.ErrorBodies;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.AnthropicUsage;
import io.vertx.core.buffer.Buffer;

/**
 * Anthropic Messages events, relayed as they are: the usage is {@code message_start}'s,
 * with {@code message_delta}'s cumulative counts over it; the answer is complete on
 * {@code message_stop}; an {@code error} event from the provider ends it as failed.
 */
public final class AnthropicStreamEvents extends TypedStreamEvents {
    private JsonNode startUsage;

    @Override
    protected void on(String type, JsonNode event) {
        switch (type) {
            case "message_start" -> {
                startUsage = event.path("message").path("usage");
                usage(AnthropicUsage.of(startUsage));
            }
            case "message_delta" -> usage(AnthropicUsage.of(merged(event.path("usage"))));
            case "content_block_delta" -> {
                JsonNode delta = event.path("delta");
                count(delta.get("text"));
                count(delta.get("partial_json"));
                count(delta.get("thinking"));
            }
            case "message_stop" -> complete();
            case "error" -> fail();
            default -> {
                // ping, content_block_start/stop and types added later pass as they are
            }
        }
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

    @Override
    public Buffer failureEvent(GatewayException error) {
        return ErrorBodies.anthropicSseEvent(error);
    }
}

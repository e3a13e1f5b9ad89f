package dev.loopgate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.gateway.wire.ResponsesUsage;
import io.vertx.core.buffer.Buffer;

/**
 * Responses API events, relayed as they are: the usage is {@code response.completed}'s (or
 * {@code response.incomplete}'s, an answer cut by its output cap); either ends the answer;
 * {@code response.failed} and {@code error} from the provider end it as failed.
 */
public final class ResponsesStreamEvents extends TypedStreamEvents {
    @Override
    protected void on(String type, JsonNode event) {
        switch (type) {
            case "response.output_text.delta", "response.function_call_arguments.delta",
                    "response.reasoning_summary_text.delta" -> count(event.get("delta"));
            case "response.completed", "response.incomplete" -> {
                complete();
                usageOf(event);
            }
            case "response.failed", "error" -> {
                fail();
                usageOf(event);
            }
            default -> {
                // created, in_progress, output_item.*, content_part.* and types added later pass as they are
            }
        }
    }

    private void usageOf(JsonNode event) {
        JsonNode found = event.path("response").path("usage");
        if (found.isObject()) {
            usage(ResponsesUsage.of(found));
        }
    }

    /** An {@code error} event, as the Responses API ends a stream that failed. */
    @Override
    public Buffer failureEvent(GatewayException error) {
        return Buffer.buffer("event: error\ndata: " + Json.MAPPER.createObjectNode().put("type", "error")
                .put("code", error.code().code()).put("message", error.getMessage()).putNull("param") + "\n\n");
    }
}

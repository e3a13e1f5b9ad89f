package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request body read once: the JSON tree (forwarded with only {@code model},
 * {@code stream_options} and a capped {@code max_tokens} changed) and the facts the
 * gateway acts on.
 *
 * @param clientWantsUsage the client itself asked for the final usage chunk of a stream
 * @param maxTokens {@code max_completion_tokens} or else {@code max_tokens}, or {@link #ABSENT}
 * @param jsonMode {@code response_format} asks for a JSON object or schema
 */
public record ParsedRequest(ObjectNode json, String requestedModel, boolean stream, boolean clientWantsUsage,
        long maxTokens, boolean hasTools, boolean hasImages, boolean jsonMode) {
    public static final long ABSENT = -1;

    static ParsedRequest embeddings(ObjectNode json, String requestedModel) {
        return new ParsedRequest(json, requestedModel, false, false, ABSENT, false, false, false);
    }
}

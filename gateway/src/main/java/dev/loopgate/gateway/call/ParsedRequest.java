package dev.loopgate.gateway.call;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request body read once: the JSON tree (forwarded with only {@code model},
 * {@code stream_options} and a capped {@code max_tokens} changed) and the facts the
 * gateway acts on.
 *
 * @param clientWantsUsage the client itself asked for the final usage chunk of a stream
 * @param maxTokens {@code max_completion_tokens} or else {@code max_tokens}, or {@link #ABSENT}
 * @param choices how many answers the provider writes and bills: the largest of {@code n} and
 *     {@code best_of}, at least 1
 * @param jsonMode {@code response_format} asks for a JSON object or schema
 */
public record ParsedRequest(ObjectNode json, String requestedModel, boolean stream, boolean clientWantsUsage,
        long maxTokens, int choices, boolean hasTools, boolean hasImages, boolean jsonMode) {
    public static final long ABSENT = -1;

    static ParsedRequest embeddings(ObjectNode json, String requestedModel) {
        return new ParsedRequest(json, requestedModel, false, false, ABSENT, 1, false, false, false);
    }

    /**
     * The most output a model can bill for this call: every choice written to the caller's cap,
     * or to the model's own cap when the caller set none or a larger one (the gateway then sends
     * the model's cap, so the provider cannot write past it).
     */
    public long worstOutputTokens(int modelMaxOutputTokens) {
        long perChoice = maxTokens > 0 ? Math.min(maxTokens, modelMaxOutputTokens) : modelMaxOutputTokens;
        return perChoice * choices;
    }

    /** The same request with {@code json} changed (by a rule's cap, say). */
    public ParsedRequest withJson(ObjectNode changed, long changedMaxTokens) {
        return new ParsedRequest(changed, requestedModel, stream, clientWantsUsage, changedMaxTokens, choices, hasTools,
                hasImages, jsonMode);
    }
}

package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request body read once: the JSON tree (forwarded with only {@code model} and
 * {@code stream_options} changed) and the facts the gateway acts on.
 *
 * @param clientWantsUsage the client itself asked for the final usage chunk of a stream
 */
public record ParsedRequest(ObjectNode json, String requestedModel, boolean stream, boolean clientWantsUsage) {
}

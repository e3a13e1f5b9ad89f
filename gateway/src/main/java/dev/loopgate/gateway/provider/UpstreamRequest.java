package dev.loopgate.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.pipeline.Endpoint;

/**
 * One call to one target. {@code body} is the caller's JSON tree; the adapter may
 * rewrite it in place for its wire format (each attempt rewrites it again).
 */
public record UpstreamRequest(Endpoint endpoint, ObjectNode body, String upstreamModel, boolean stream,
        String requestId) {
}

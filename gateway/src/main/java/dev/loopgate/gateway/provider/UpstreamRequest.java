package dev.loopgate.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.call.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;

/**
 * One call to one target. {@code body} is the caller's JSON tree; the adapter may
 * rewrite it in place for its wire format (each attempt rewrites it again).
 *
 * @param defaultMaxTokens the target model's output cap, sent when the caller set none (the
 *        budget reserved for it, and a provider must not write past it)
 * @param clientHeaders the caller's request headers, of which an adapter passes on only those its
 *        provider's dialect defines for the caller (never a credential)
 * @param abandoned completes when the caller no longer wants an answer (the client left);
 *        an adapter still waiting for the response then drops the call, so a provider
 *        does not go on generating (and billing) for nobody
 */
public record UpstreamRequest(Endpoint endpoint, ObjectNode body, String upstreamModel, int defaultMaxTokens,
        boolean stream, String requestId, MultiMap clientHeaders, Future<Void> abandoned) {
}

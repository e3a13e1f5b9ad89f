package dev.loopgate.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.config.Timeouts;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.ChatToMessages;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.gateway.wire.MessagesToChat;
import dev.loopgate.gateway.wire.OpenAiWire;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.net.URI;
import java.time.Duration;

/**
 * Any OpenAI-compatible upstream. A chat completion or embeddings call (its native dialect)
 * is the caller's body with only the model (and stream usage, and an output cap) changed; an
 * Anthropic Messages call goes through the hub, translated to a chat completion and its
 * answer back. The provider's key replaces the caller's.
 */
public final class OpenAiAdapter implements ProviderAdapter {
    private final ProviderConfig config;
    private final UpstreamClient http;

    public OpenAiAdapter(Vertx vertx, ProviderConfig config, URI baseUrl) {
        this.config = config;
        MultiMap credentials = MultiMap.caseInsensitiveMultiMap();
        config.apiKey().ifPresent(key -> credentials.set(HttpHeaders.AUTHORIZATION, "Bearer " + key.reveal()));
        this.http = new UpstreamClient(vertx, config, baseUrl, credentials);
    }

    @Override
    public Timeouts timeouts() {
        return config.timeouts();
    }

    @Override
    public Future<UpstreamResponse> send(UpstreamRequest request) {
        if (request.endpoint() == Endpoint.MESSAGES) {
            return translated(request);
        }
        if (request.endpoint() == Endpoint.RESPONSES) {
            return responses(request);
        }
        int outputCap = request.endpoint() == Endpoint.CHAT_COMPLETIONS ? request.defaultMaxTokens() : 0;
        Buffer body = OpenAiWire.requestBody(request.body(), request.upstreamModel(), request.stream(), outputCap);
        return http.post(request.endpoint().upstreamPath(), UpstreamClient.callHeaders(request), body,
                request.abandoned());
    }

    /**
     * A Responses call to a provider that serves the Responses API itself: the caller's body with
     * {@code model} and, when the caller set none, the output cap the budget reserved for.
     */
    private Future<UpstreamResponse> responses(UpstreamRequest request) {
        if (!config.dialects().responsesNative()) {
            return Future.failedFuture(new GatewayException(ErrorCode.INVALID_REQUEST, "Model '"
                    + request.upstreamModel() + "' is served by provider '" + config.name() + "', which does not"
                    + " serve the Responses API (set responses: native on it if it does).", "model"));
        }
        ObjectNode body = request.body();
        body.put("model", request.upstreamModel());
        if (!body.hasNonNull("max_output_tokens") && request.defaultMaxTokens() > 0) {
            body.put("max_output_tokens", request.defaultMaxTokens());
        }
        return http.post(Endpoint.RESPONSES.upstreamPath(), UpstreamClient.callHeaders(request), Json.bytes(body),
                request.abandoned());
    }

    /** A Messages call through the hub: sent as a chat completion, its answer, stream or error read back as Messages. */
    private Future<UpstreamResponse> translated(UpstreamRequest request) {
        Buffer body;
        try {
            body = OpenAiWire.requestBody(MessagesToChat.request(request.body(), config.dialects().dropThinking()),
                    request.upstreamModel(), request.stream(), 0);
        } catch (GatewayException refused) {
            return Future.failedFuture(refused);
        }
        return http.post(Endpoint.CHAT_COMPLETIONS.upstreamPath(), UpstreamClient.callHeaders(request), body,
                request.abandoned()).map(raw -> {
                    int status = raw.status();
                    if (status < 200 || status >= 300) {
                        return new TranslatedResponse(raw, status, "application/json", new TranslatedBody(raw.body(),
                                WholeBody.firstPart(UpstreamResponse.MAX_ERROR_BYTES,
                                        error -> ChatToMessages.error(status, error))));
                    }
                    return request.stream()
                            ? new TranslatedResponse(raw, status, "text/event-stream",
                                    new TranslatedBody(raw.body(), new ChatStreamToMessages()))
                            : new TranslatedResponse(raw, status, "application/json", new TranslatedBody(raw.body(),
                                    WholeBody.bounded(UpstreamResponse.MAX_ANSWER_BYTES, ChatToMessages::message)));
                });
    }

    @Override
    public Future<Void> shutdown(Duration grace) {
        return http.shutdown(grace);
    }
}

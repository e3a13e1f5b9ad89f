package dev.loopgate.gateway.provider;

import dev.loopgate.gateway.call.Dialect;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.config.Timeouts;
import dev.loopgate.gateway.wire.OpenAiWire;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.net.URI;

/**
 * Any OpenAI-compatible upstream. The body is the caller's with only the model (and
 * stream usage) changed, and the provider's key replaces the caller's.
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
        if (request.endpoint().dialect() != Dialect.OPENAI) {
            return Future.failedFuture(new GatewayException(ErrorCode.INVALID_REQUEST, "Model '"
                    + request.upstreamModel() + "' is served by the OpenAI-compatible provider '" + config.name()
                    + "', which cannot take " + request.endpoint().upstreamPath() + " calls; route them to an"
                    + " anthropic provider.", "model"));
        }
        int outputCap = request.endpoint() == Endpoint.CHAT_COMPLETIONS ? request.defaultMaxTokens() : 0;
        Buffer body = OpenAiWire.requestBody(request.body(), request.upstreamModel(), request.stream(), outputCap);
        return http.post(request.endpoint().upstreamPath(), UpstreamClient.callHeaders(request), body,
                request.abandoned());
    }

    @Override
    public Future<Void> close() {
        return http.close();
    }
}

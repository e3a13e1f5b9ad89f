package dev.loopgate.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.config.Secret;
import dev.loopgate.gateway.config.Timeouts;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.provider.ProviderAdapter;
import dev.loopgate.gateway.provider.TranslatedBody;
import dev.loopgate.gateway.provider.TranslatedResponse;
import dev.loopgate.gateway.provider.UpstreamClient;
import dev.loopgate.gateway.provider.UpstreamRequest;
import dev.loopgate.gateway.provider.UpstreamResponse;
import dev.loopgate.gateway.provider.WholeBody;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * A provider that speaks Anthropic Messages ({@code POST /messages}). A Messages call (its
 * native dialect) goes through as the caller sent it but for {@code model}, with the caller's
 * {@code anthropic-version} and {@code anthropic-beta}, and its answer comes back untouched.
 * A chat completion is translated: the request before it is sent, and the answer, stream, or
 * error as it is read, so the rest of the gateway sees an OpenAI-compatible upstream.
 */
public final class AnthropicAdapter implements ProviderAdapter {
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.anthropic.com/v1");
    static final String API_VERSION = "2023-06-01";

    private final ProviderConfig config;
    private final UpstreamClient http;
    private final Clock clock;
    private final String secret;

    public AnthropicAdapter(Vertx vertx, ProviderConfig config, URI baseUrl) {
        this(vertx, config, baseUrl, Clock.systemUTC());
    }

    public AnthropicAdapter(Vertx vertx, ProviderConfig config, URI baseUrl, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.secret = config.apiKey().map(Secret::reveal).orElse(null);
        MultiMap credentials = MultiMap.caseInsensitiveMultiMap();
        if (secret != null) {
            credentials.set("x-api-key", secret);
        }
        this.http = new UpstreamClient(vertx, config, baseUrl, credentials);
    }

    @Override
    public Timeouts timeouts() {
        return config.timeouts();
    }

    @Override
    public Future<UpstreamResponse> send(UpstreamRequest request) {
        if (request.endpoint() == Endpoint.MESSAGES) {
            return sendAsIs("/messages", request);
        }
        if (request.endpoint() != Endpoint.CHAT_COMPLETIONS) {
            // embeddings, and Responses calls: Anthropic has neither
            return Future.failedFuture(new GatewayException(ErrorCode.INVALID_REQUEST, "Model '"
                    + request.upstreamModel() + "' is served by the Anthropic provider '" + config.name()
                    + "', which has no " + request.endpoint().upstreamPath() + " endpoint.", "model"));
        }
        AnthropicWire.Request translated;
        try {
            translated = AnthropicWire.toRequest(request.body(), request.upstreamModel(), request.defaultMaxTokens(),
                    request.stream());
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
        // Configured headers are set over these, so an operator may pin another anthropic-version.
        MultiMap headers = UpstreamClient.callHeaders(request).set("anthropic-version", API_VERSION);
        return http.post("/messages", headers, translated.bytes(), request.abandoned())
                .map(raw -> answer(raw, request.stream(), translated.jsonTool()));
    }

    /**
     * Asks the provider how many input tokens a Messages request holds ({@code POST
     * /messages/count_tokens}), the body as the caller sent it but for {@code model}.
     */
    public Future<UpstreamResponse> countTokens(UpstreamRequest request) {
        return sendAsIs("/messages/count_tokens", request);
    }

    /** The caller's body with {@code model} changed, with its {@code anthropic-version} and {@code anthropic-beta}. */
    private Future<UpstreamResponse> sendAsIs(String path, UpstreamRequest request) {
        ObjectNode body = request.body();
        body.put("model", request.upstreamModel());
        MultiMap headers = UpstreamClient.callHeaders(request)
                .set("anthropic-version", header(request, "anthropic-version", API_VERSION));
        String betas = config.dialects().passedBetas(request.clientHeaders().get("anthropic-beta"));
        if (betas != null) {
            headers.set("anthropic-beta", betas);
        }
        return http.post(path, headers, Json.bytes(body), request.abandoned());
    }

    private static String header(UpstreamRequest request, String name, String otherwise) {
        String value = request.clientHeaders().get(name);
        return value == null || value.isBlank() ? otherwise : value;
    }

    private UpstreamResponse answer(UpstreamResponse raw, boolean stream, String jsonTool) {
        int status = raw.status();
        long created = clock.instant().getEpochSecond();
        if (status < 200 || status >= 300) {
            int clientStatus = AnthropicErrors.status(status);
            return new TranslatedResponse(raw, clientStatus, "application/json", new TranslatedBody(raw.body(),
                    WholeBody.firstPart(UpstreamResponse.MAX_ERROR_BYTES,
                            body -> AnthropicErrors.body(clientStatus, body, secret))));
        }
        if (stream) {
            return new TranslatedResponse(raw, status, "text/event-stream",
                    new TranslatedBody(raw.body(), new AnthropicStreamTranslator(created, jsonTool)));
        }
        return new TranslatedResponse(raw, status, "application/json", new TranslatedBody(raw.body(),
                WholeBody.bounded(UpstreamResponse.MAX_ANSWER_BYTES,
                        body -> AnthropicWire.fromResponse(body, created, jsonTool))));
    }

    @Override
    public Future<Void> shutdown(Duration grace) {
        return http.shutdown(grace);
    }
}

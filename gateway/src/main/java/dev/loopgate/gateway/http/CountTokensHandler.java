package dev.loopgate.gateway.http;

import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.call.AnthropicRequestParser;
import dev.loopgate.gateway.call.Dialect;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.call.ParsedRequest;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.ModelConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.provider.Providers;
import dev.loopgate.gateway.provider.UpstreamRequest;
import dev.loopgate.gateway.provider.UpstreamResponse;
import dev.loopgate.gateway.provider.anthropic.AnthropicAdapter;
import dev.loopgate.gateway.relay.BodyReader;
import dev.loopgate.gateway.tokens.TokenEstimator;
import dev.loopgate.rules.RequestedModelRouter;
import dev.loopgate.rules.RouteDecision;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/messages/count_tokens}: how many input tokens a Messages request holds. The
 * requested model is resolved as a call's would be without rules (names, tiers, aliases); an
 * Anthropic provider answers for its first target, any other is estimated here, and so is a
 * provider that cannot answer (the count is advice, not a charge). It costs nothing, is no step
 * of the loop and trips nothing.
 */
final class CountTokensHandler implements Handler<RoutingContext> {
    private final Vertx vertx;
    private final ApiKeyRegistry keys;
    private final GatewayConfig config;
    private final Providers providers;
    private final TokenEstimator tokens;
    private final RequestedModelRouter router;

    CountTokensHandler(Vertx vertx, ApiKeyRegistry keys, GatewayConfig config, Providers providers,
            TokenEstimator tokens) {
        this.vertx = vertx;
        this.keys = keys;
        this.config = config;
        this.providers = providers;
        this.tokens = tokens;
        this.router = new RequestedModelRouter(config.tiers());
    }

    @Override
    public void handle(RoutingContext ctx) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("x-request-id", RequestIds.of(ctx.request()));
        try {
            keys.modelCaller(ctx.request().headers(), "'x-api-key: <key>' or 'Authorization: Bearer <key>'");
            Buffer body = ctx.body() == null ? null : ctx.body().buffer();
            ParsedRequest request = AnthropicRequestParser.parseCount(body == null ? Buffer.buffer() : body);
            RouteDecision route = router.route(request.requestedModel()).orElseThrow(() -> new GatewayException(
                    ErrorCode.INVALID_REQUEST, "The model '" + request.requestedModel() + "' does not exist here. Use"
                            + " one of: " + router.validNames() + ".", "model"));
            ModelConfig model = config.model(route.targets().get(0));
            Future<Buffer> counted = providers.anthropic(model.provider())
                    .map(anthropic -> byProvider(anthropic, request, model, ctx.request().headers(),
                            headers.get("x-request-id")).recover(failure -> Future.succeededFuture(estimated(request))))
                    .orElseGet(() -> Future.succeededFuture(estimated(request)));
            counted.onComplete(done -> {
                if (done.failed()) {
                    ErrorResponses.send(ctx.response(), headers, done.cause(), Dialect.ANTHROPIC);
                } else if (!ctx.response().closed()) {
                    ctx.response().headers().addAll(headers);
                    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(done.result());
                }
            });
        } catch (GatewayException refused) {
            ErrorResponses.send(ctx.response(), headers, refused, Dialect.ANTHROPIC);
        }
    }

    /** The provider's own count; a failure (no answer, or a status outside 2xx) fails this future. */
    private Future<Buffer> byProvider(AnthropicAdapter anthropic, ParsedRequest request, ModelConfig model,
            MultiMap clientHeaders, String requestId) {
        long deadline = System.nanoTime() + anthropic.timeouts().total().toNanos();
        UpstreamRequest upstream = new UpstreamRequest(Endpoint.MESSAGES, request.json(), model.upstreamName(), 0, false, requestId,
                clientHeaders, Promise.<Void>promise().future());
        return anthropic.countTokens(upstream).compose(response -> BodyReader.read(vertx, response,
                anthropic.timeouts().idle().toMillis(), deadline, UpstreamResponse.MAX_ERROR_BYTES)
                .compose(body -> response.status() / 100 == 2 ? Future.succeededFuture(body)
                        : Future.failedFuture("count_tokens answered HTTP " + response.status())));
    }

    private Buffer estimated(ParsedRequest request) {
        return Buffer.buffer("{\"input_tokens\":" + tokens.messagesPromptTokens(request.json()) + "}");
    }
}

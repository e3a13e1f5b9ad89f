package dev.loopgate.gateway.http;

import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.pipeline.Exchange;
import dev.loopgate.gateway.pipeline.Pipeline;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Turns an inbound model call into an {@link Exchange}, runs the pipeline, and writes what it answered. */
final class ProxyHandler implements Handler<RoutingContext> {
    private final Endpoint endpoint;
    private final Pipeline pipeline;

    ProxyHandler(Endpoint endpoint, Pipeline pipeline) {
        this.endpoint = endpoint;
        this.pipeline = pipeline;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        Exchange exchange = new Exchange(RequestIds.of(ctx.request()), endpoint, System.nanoTime(),
                ctx.request().headers(), body == null ? Buffer.buffer() : body, ctx.response());
        pipeline.execute(exchange).onComplete(done -> {
            if (done.succeeded()) {
                if (done.result() instanceof Reply.Complete complete) {
                    write(exchange, complete);
                }
            } else {
                ErrorResponses.send(ctx.response(), exchange.responseHeaders(), done.cause(), endpoint.dialect());
            }
        });
    }

    private static void write(Exchange exchange, Reply.Complete reply) {
        HttpServerResponse response = exchange.response();
        if (response.closed() || response.ended()) {
            return;
        }
        response.setStatusCode(reply.status());
        response.headers().addAll(exchange.responseHeaders());
        response.putHeader(HttpHeaders.CONTENT_TYPE, reply.contentType());
        response.end(reply.body());
    }
}

package dev.loopgate.gateway.http;

import dev.loopgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: every meter as Prometheus text. Rendering reads JVM and thread state
 * and may take a few milliseconds, so it runs on a worker thread, never on the event loop.
 */
final class MetricsHandler implements Handler<RoutingContext> {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final GatewayMetrics metrics;

    MetricsHandler(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.vertx().executeBlocking(metrics::scrape, false).onComplete(done -> {
            if (done.succeeded()) {
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(done.result());
            } else {
                ctx.fail(done.cause());
            }
        });
    }
}

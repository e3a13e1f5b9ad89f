package dev.loopgate.gateway.http;

import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the request bytes buffered across every call at once ({@code server.max_inflight_body_bytes}),
 * shared by all server instances. Before a body is read its size is set aside: its
 * {@code Content-Length}, or the largest body accepted when it comes chunked; a call that would
 * pass the bound is refused with 503 and {@code Retry-After}, and what was set aside is given
 * back when the call ends however it ends. A body larger than a call may be is refused with 413
 * here, before it is read.
 */
final class BodyBytesInFlight implements Handler<RoutingContext> {
    private final long maxBodyBytes;
    private final long maxInflight;
    private final ClientRefusals refusals;
    private final AtomicLong inflight = new AtomicLong();

    BodyBytesInFlight(long maxBodyBytes, long maxInflight, ClientRefusals refusals, MeterRegistry registry) {
        this.maxBodyBytes = maxBodyBytes;
        this.maxInflight = maxInflight;
        this.refusals = refusals;
        Gauge.builder("loopgate.inflight.body.bytes", inflight, AtomicLong::get)
                .description("Request body bytes set aside for calls in flight (bounded by server.max_inflight_body_bytes)")
                .baseUnit("bytes")
                .register(registry);
    }

    @Override
    public void handle(RoutingContext ctx) {
        long size = declaredSize(ctx);
        if (size > maxBodyBytes) {
            ErrorResponses.closeAfterAnswer(ctx);
            ctx.fail(413);
            return;
        }
        if (inflight.addAndGet(size) > maxInflight) {
            inflight.addAndGet(-size);
            refusals.tooManyBodyBytes();
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
            ErrorResponses.closeAfterAnswer(ctx);
            ctx.fail(new GatewayException(ErrorCode.GATEWAY_BUSY, "The gateway is holding as many request bodies"
                    + " as it may buffer; retry shortly."));
            return;
        }
        ctx.addEndHandler(done -> inflight.addAndGet(-size));
        ctx.next();
    }

    /** What the head says the body will be; a malformed length is left for Vert.x's decoder to refuse. */
    private long declaredSize(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return maxBodyBytes;
        }
        try {
            return Math.max(0, Long.parseLong(length.trim()));
        } catch (NumberFormatException e) {
            return maxBodyBytes;
        }
    }
}

package dev.loopgate.gateway.pipeline;

import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.provider.FailureClass;
import dev.loopgate.gateway.provider.UpstreamFailure;
import dev.loopgate.gateway.provider.UpstreamResponse;
import dev.loopgate.gateway.relay.StreamRelay;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The attempts of one call, on its event loop: what is in flight or waiting to retry,
 * why each earlier attempt failed, and which targets were tried or skipped. When the
 * client leaves, whatever is in flight is cancelled and a pending retry never starts.
 */
final class Attempts {
    final Exchange exchange;
    /** Completed when the client leaves, so an attempt still waiting for its response is dropped. */
    final Promise<Void> abandoned = Promise.promise();
    private final Vertx vertx;
    private final List<String> failures = new ArrayList<>();
    private final Set<String> targets = new LinkedHashSet<>();
    private boolean allTimedOut = true;
    private boolean clientGone;
    private int made;
    private UpstreamResponse current;
    private StreamRelay relay;
    private long backoffTimer = -1;
    private Promise<Void> backoff;

    Attempts(Vertx vertx, Exchange exchange) {
        this.vertx = vertx;
        this.exchange = exchange;
    }

    boolean clientGone() {
        return clientGone;
    }

    /** Upstream attempts started so far, retries included. */
    int made() {
        return made;
    }

    void started(String model) {
        made++;
        targets.add(model);
    }

    /** A target passed over unasked because its breaker is open. */
    void skipped(String model) {
        targets.add(model);
        failures.add(model + ": skipped, its health breaker is open");
    }

    void answering(UpstreamResponse response) {
        current = response;
    }

    void relaying(StreamRelay relay) {
        this.relay = relay;
    }

    /**
     * Records a failed attempt. The relay is asked first: a stream that reached the client
     * is bound to its target, and a failure reported for it here would be a bug.
     */
    void failed(String model, UpstreamFailure failure) {
        if (relay != null && relay.committed()) {
            throw new IllegalStateException("a stream that reached the client must never be retried or fall back");
        }
        failures.add(model + ": " + failure.getMessage());
        allTimedOut &= failure.failureClass().isTimeout();
        current = null;
        relay = null;
    }

    /** Completes after {@code delay} on this event loop, or fails at once when the client leaves first. */
    Future<Void> waitFor(Duration delay) {
        if (delay.isZero()) {
            return Future.succeededFuture();
        }
        Promise<Void> waited = Promise.promise();
        backoff = waited;
        backoffTimer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
            backoffTimer = -1;
            waited.tryComplete();
        });
        return waited.future();
    }

    void clientClosed() {
        clientGone = true;
        abandoned.tryComplete();
        if (backoffTimer >= 0) {
            vertx.cancelTimer(backoffTimer);
            backoffTimer = -1;
            backoff.tryFail(ForwardStage.clientClosed());
        }
        if (relay != null) {
            relay.clientClosed();
        } else if (current != null) {
            current.cancel();
        }
    }

    /** Nothing answered: which way it failed, over one target or several. */
    GatewayException exhausted() {
        String detail = String.join("; ", failures);
        if (targets.size() > 1) {
            return new GatewayException(ErrorCode.ALL_TARGETS_FAILED,
                    "All " + targets.size() + " targets failed: " + detail);
        }
        return new GatewayException(allTimedOut ? ErrorCode.UPSTREAM_TIMEOUT : ErrorCode.UPSTREAM_ERROR,
                "The upstream failed: " + detail);
    }

    /** A failure that ends the call at once, whatever targets remain. */
    GatewayException failedWith(UpstreamFailure failure) {
        if (failure.failureClass() == FailureClass.TOTAL_TIMEOUT) {
            return new GatewayException(ErrorCode.UPSTREAM_TIMEOUT,
                    "The upstream passed its total time limit: " + String.join("; ", failures));
        }
        return exhausted();
    }
}

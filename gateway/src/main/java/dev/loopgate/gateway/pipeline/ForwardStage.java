package dev.loopgate.gateway.pipeline;

import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.ModelConfig;
import dev.loopgate.gateway.config.RetryConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.provider.Providers;
import dev.loopgate.gateway.provider.UpstreamFailure;
import dev.loopgate.gateway.provider.health.Outcome;
import dev.loopgate.gateway.provider.health.Permit;
import dev.loopgate.gateway.provider.health.ProviderHealth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;

/**
 * Sends the call to its targets in order. Each failed attempt is classified, and
 * {@link RetryPolicy} says whether the same target is tried again (after a backoff
 * timer), the next target is, or the call fails; a request the upstream refused is
 * passed to the caller. A target whose health breaker is open is skipped; when every
 * target is, the one opened longest ago is tried anyway. A stream is retried or falls
 * back only while no byte of it has reached the client; after that it is bound to its
 * target and a failure ends it with the relay's error event. See {@code docs/failover.md}.
 */
public final class ForwardStage implements Stage {
    private final Providers providers;
    private final Map<String, ModelConfig> models;
    private final GatewayConfig config;
    private final ProviderHealth health;
    private final RetryPolicy policy;
    private final TargetCall call;
    private final Vertx vertx;

    public ForwardStage(Vertx vertx, Providers providers, GatewayConfig config, ProviderHealth health,
            RetryPolicy policy) {
        this.vertx = vertx;
        this.providers = providers;
        this.models = config.models();
        this.config = config;
        this.health = health;
        this.policy = policy;
        this.call = new TargetCall(vertx, policy);
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        Attempts attempts = new Attempts(vertx, exchange);
        exchange.response().closeHandler(v -> attempts.clientClosed());
        return fromTarget(attempts, 0);
    }

    /** The first target from {@code index} on that its breaker lets through. */
    private Future<Reply> fromTarget(Attempts attempts, int index) {
        List<String> targets = attempts.exchange.route().targets();
        for (int i = index; i < targets.size(); i++) {
            Permit permit = health.acquire(targets.get(i));
            if (permit.allowed()) {
                return attempt(attempts, i, 1, permit);
            }
            attempts.skipped(targets.get(i));
        }
        if (attempts.made() == 0 && !targets.isEmpty()) {
            Map.Entry<String, Permit> forced = health.forceLeastRecentlyOpened(targets);
            return attempt(attempts, targets.indexOf(forced.getKey()), 1, forced.getValue());
        }
        return Future.failedFuture(attempts.exhausted());
    }

    /** The {@code attemptOnTarget}-th attempt at the target at {@code index}; reports its outcome on the permit. */
    private Future<Reply> attempt(Attempts attempts, int index, int attemptOnTarget, Permit permit) {
        if (attempts.clientGone()) {
            permit.report(Outcome.IGNORED);
            return Future.failedFuture(clientClosed());
        }
        String target = attempts.exchange.route().targets().get(index);
        ModelConfig model = models.get(target);
        attempts.started(target);
        return call.send(attempts, model, providers.get(model.provider())).transform(done -> {
            if (done.succeeded()) {
                permit.report(outcomeOf(done.result()));
                return Future.succeededFuture(done.result());
            }
            if (!(done.cause() instanceof UpstreamFailure failure) || attempts.clientGone()) {
                permit.report(Outcome.IGNORED);
                return Future.failedFuture(attempts.clientGone() ? clientClosed() : done.cause());
            }
            permit.report(failure.failureClass().unhealthy() ? Outcome.FAILURE : Outcome.IGNORED);
            attempts.failed(target, failure);
            return afterFailure(attempts, index, attemptOnTarget, failure);
        });
    }

    private Future<Reply> afterFailure(Attempts attempts, int index, int attemptOnTarget, UpstreamFailure failure) {
        String target = attempts.exchange.route().targets().get(index);
        RetryConfig retry = config.providers().get(models.get(target).provider()).retry();
        RetryPolicy.Decision decision = policy.decide(failure, retry, attemptOnTarget);
        if (decision.action() == RetryPolicy.Action.FAIL) {
            return Future.failedFuture(attempts.failedWith(failure));
        }
        if (attempts.made() >= config.maxTotalAttempts()) {
            return Future.failedFuture(attempts.exhausted());
        }
        if (decision.action() == RetryPolicy.Action.RETRY_SAME_TARGET) {
            Permit again = health.acquire(target);
            if (again.allowed()) {
                return attempts.waitFor(decision.delay()).transform(waited -> {
                    if (waited.failed()) {
                        again.report(Outcome.IGNORED);
                        return Future.failedFuture(waited.cause());
                    }
                    return attempt(attempts, index, attemptOnTarget + 1, again);
                });
            }
        }
        return fromTarget(attempts, index + 1);
    }

    /** What a call that reached an answer says about its target's health. */
    private static Outcome outcomeOf(Reply reply) {
        if (reply instanceof Reply.Streamed streamed) {
            return switch (streamed.end()) {
                case COMPLETED, TOOL_REFUSED, APPROVAL_HELD -> Outcome.SUCCESS;
                case UPSTREAM_FAILED -> Outcome.FAILURE;
                case CLIENT_CLOSED -> Outcome.IGNORED;
            };
        }
        Reply.Complete complete = (Reply.Complete) reply;
        return complete.status() / 100 == 2 ? Outcome.SUCCESS : Outcome.IGNORED;
    }

    static GatewayException clientClosed() {
        return new GatewayException(ErrorCode.CLIENT_CLOSED, "The client closed the connection.");
    }
}

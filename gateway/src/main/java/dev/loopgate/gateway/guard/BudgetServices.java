package dev.loopgate.gateway.guard;

import dev.loopgate.budgets.approvals.ApprovalStore;
import dev.loopgate.budgets.approvals.ApprovalStores;
import dev.loopgate.budgets.idempotency.IdempotencyStore;
import dev.loopgate.budgets.idempotency.IdempotencyStores;
import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.ledger.BudgetLedgers;
import dev.loopgate.budgets.ledger.LedgerHistory;
import dev.loopgate.budgets.ledger.Trip;
import dev.loopgate.budgets.ledger.internal.RedisBudgetLedger;
import dev.loopgate.budgets.ledger.internal.SlicedBudgetLedger;
import dev.loopgate.budgets.ratelimit.FallbackRateLimiter;
import dev.loopgate.budgets.ratelimit.RateLimiter;
import dev.loopgate.budgets.ratelimit.RateLimiters;
import dev.loopgate.budgets.redis.RedisLink;
import dev.loopgate.budgets.responses.ResponseStore;
import dev.loopgate.budgets.responses.ResponseStores;
import dev.loopgate.budgets.runs.RunLedger;
import dev.loopgate.budgets.runs.RunLedgers;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The stores that guard spending, and the responses kept for {@code previous_response_id},
 * shared by every event loop: in Redis when it is configured (exact across replicas, on the
 * gateway's one client), in this process otherwise.
 */
public record BudgetServices(BudgetLedger ledger, RunLedger runs, RateLimiter rateLimiter,
        IdempotencyStore idempotency, ResponseStore responses, ApprovalStore approvals) {
    /** Under the audit spool directory: the spend made from local slices, waiting to be replayed into Redis. */
    public static final String REPLAY_SPOOL = "budget-replays";

    /**
     * @param redis   the gateway's Redis client when {@code config} names one (it stays the caller's), else null
     * @param trips   told of breakers tripped by spend replayed into Redis after an outage
     * @param history what the ledger is rebuilt from when Redis lost it
     */
    public static Future<BudgetServices> start(GatewayConfig config, RedisLink redis, Clock clock, Consumer<Trip> trips,
            LedgerHistory history) {
        long ttl = config.budgets().reservationTtl().toMillis();
        if (config.redis().isEmpty()) {
            return Future.succeededFuture(new BudgetServices(BudgetLedgers.inMemory(ttl, clock),
                    RunLedgers.inMemory(), RateLimiters.local(), IdempotencyStores.inMemory(),
                    ResponseStores.inMemory(clock, config.responsesTtl(), ResponseStores.DEFAULT_MAX_ENTRIES),
                    ApprovalStores.inMemory(clock)));
        }
        String namespace = config.redis().get().namespace();
        boolean allowWhenDown = config.budgets().onRedisDown() == BudgetsConfig.RedisDownPolicy.ALLOW;
        RedisBudgetLedger shared = BudgetLedgers.redis(redis, namespace, ttl, clock, history);
        // finds the ledger (or starts its rebuild) before the first call needs it; a failure is retried by that call
        shared.ready();
        BudgetLedger ledger = allowWhenDown ? sliced(shared, config, clock, trips) : shared;
        return Future.fromCompletionStage(RateLimiters.redis(redis, namespace, clock))
                .map(limiter -> allowWhenDown ? new FallbackRateLimiter(limiter) : limiter)
                .compose(limiter -> Future.fromCompletionStage(IdempotencyStores.redis(redis, namespace,
                                IdempotencyStores.DEFAULT_TTL, IdempotencyStores.DEFAULT_LEASE))
                        .compose(idempotency -> Future.fromCompletionStage(ResponseStores.redis(redis, namespace,
                                        config.responsesTtl()))
                                .map(responses -> new BudgetServices(ledger, RunLedgers.redis(redis, namespace), limiter,
                                        idempotency, responses, ApprovalStores.redis(redis, namespace)))))
                .recover(failure -> {
                    ledger.close();
                    return Future.failedFuture(failure);
                });
    }

    private static BudgetLedger sliced(BudgetLedger shared, GatewayConfig config, Clock clock, Consumer<Trip> trips) {
        // the replay queue sits with the audit spool: this replica's durable scratch space
        SlicedBudgetLedger sliced = BudgetLedgers.sliced(shared, config.budgets().localSlice(),
                config.budgets().reservationTtl().toMillis(), clock, config.audit().spoolDir().resolve(REPLAY_SPOOL));
        sliced.onTrip(trips);
        return sliced;
    }

    /** Replays spend made from local slices into Redis; a no-op unless {@code on_redis_down: allow}. */
    public void reconcile() {
        if (ledger instanceof SlicedBudgetLedger sliced) {
            sliced.reconcile();
        }
    }

    /** Whether calls are being served from local slices because Redis cannot be reached. */
    public boolean servingFromLocalSlice() {
        return ledger instanceof SlicedBudgetLedger sliced && sliced.usingLocalSlice();
    }

    public void close() {
        ledger.close();
        runs.close();
        rateLimiter.close();
        idempotency.close();
        responses.close();
        approvals.close();
    }
}

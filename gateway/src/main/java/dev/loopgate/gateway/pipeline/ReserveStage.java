package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.Money;
import dev.loopgate.budgets.Usage;
import dev.loopgate.budgets.ledger.BudgetDecision;
import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.ledger.RefusalReason;
import dev.loopgate.budgets.ledger.ReserveChoices;
import dev.loopgate.budgets.ledger.ReserveRequest;
import dev.loopgate.budgets.ratelimit.RateDecision;
import dev.loopgate.budgets.runs.RunDecision;
import dev.loopgate.budgets.runs.RunHold;
import dev.loopgate.budgets.runs.RunLedger;
import dev.loopgate.gateway.call.ParsedRequest;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.ModelConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.BudgetWarnings;
import dev.loopgate.gateway.guard.LoopNotifier;
import dev.loopgate.gateway.guard.Warning;
import dev.loopgate.rules.RouteDecision;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the call's worst case in the loop's budget before anything is sent: the
 * estimated prompt plus the most output it may ask for, at the dearest price among its
 * targets (any of them may end up serving it). Atomic across replicas: concurrent calls
 * can never together reserve more than the budget. When the route waits on the loop's facts
 * ({@link RoutePlan}), the ledger holds the worst case of the cell it finds and the call takes
 * that cell's route. The rate limits' answer, sent at the same time, is waited for here too, and
 * so is the hold in the call's run ({@link RunLedger}), when it names one: a call goes ahead only
 * when all three let it, and what one of them held for a refused call is given back.
 */
public final class ReserveStage implements Stage {
    private final BudgetStore store;
    private static final Logger LOG = LoggerFactory.getLogger(ReserveStage.class);
    private static final Future<RunDecision> NO_RUN = Future.succeededFuture();
    private static final long RUN_STORE_WARNING_EVERY_MS = 10_000;

    private final BudgetLedger ledger;
    private final RunLedger runs;
    private final AtomicLong lastRunStoreWarning = new AtomicLong(Long.MIN_VALUE / 2);
    private final GatewayConfig config;
    private final LoopNotifier notifier;
    private final Clock clock;

    public ReserveStage(BudgetStore store, BudgetLedger ledger, RunLedger runs, GatewayConfig config,
            LoopNotifier notifier, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.runs = runs;
        this.config = config;
        this.notifier = notifier;
        this.clock = clock;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        RoutePlan plan = exchange.routePlan();
        ReserveChoices choices = exchange.route() != null ? worstCase(exchange, exchange.route()) : choices(exchange, plan);
        BudgetsConfig budgets = config.budgets();
        long now = clock.millis();
        ReserveRequest request = new ReserveRequest(exchange.loop().loopId(), exchange.key().name(),
                exchange.requestHash(), choices, exchange.loopBudget().limits(),
                budgets.forKey(exchange.key()).usdPerDayNanos(), config.breakers().settings(), now);
        Future<BudgetDecision> reserved = store.call(ledger.reserve(request));
        Future<RateDecision> rate = exchange.rateCheck();
        RunHold runHold = runHold(exchange, choices, now);
        Future<RunDecision> run = runHold == null ? NO_RUN : store.call(runs.hold(runHold));
        return Future.join(reserved, rate, run).transform(all -> {
            Future<Reply> decided;
            try {
                decided = decide(exchange, next, plan, choices, now, reserved, rate, run, runHold);
            } catch (RuntimeException refused) {
                decided = Future.failedFuture(refused);
            }
            if (runHold != null && exchange.runHold() == null && run.succeeded() && run.result() instanceof RunDecision.Held) {
                // the run held for a call that does not go ahead: given back
                store.call(runs.cancel(runHold.loopId(), runHold.runId(), runHold.holdId(), now));
            }
            return decided;
        });
    }

    private Future<Reply> decide(Exchange exchange, Chain next, RoutePlan plan, ReserveChoices choices, long now,
            Future<BudgetDecision> reserved, Future<RateDecision> rate, Future<RunDecision> run, RunHold runHold) {
        if (reserved.failed()) {
            return Future.failedFuture(reserved.cause());
        }
        BudgetDecision decision = reserved.result();
        if (decision instanceof BudgetDecision.Declined declined) {
            exchange.loopFacts(declined.budgetUsed(), declined.repeatCount());
            plan.take(exchange, declined.choice());
            throw new IllegalStateException("a declined cell must refuse the call");
        }
        if (decision instanceof BudgetDecision.Refused refused) {
            exchange.refusal(refused.reason());
            throw refusal(refused, choices.maxNanos(), now);
        }
        BudgetDecision.Allowed allowed = (BudgetDecision.Allowed) decision;
        Throwable refusedElsewhere = rate.failed() ? rate.cause()
                : rate.result() instanceof RateDecision.Limited limited ? RateLimitStage.limited(exchange, limited)
                : runRefusal(exchange, run, now);
        if (refusedElsewhere != null) {
            return store.call(ledger.cancel(allowed.reservation(), exchange.requestHash(), now))
                    .transform(cancelled -> Future.failedFuture(refusedElsewhere));
        }
        exchange.reservation(allowed.reservation());
        BudgetDecision.Pace pace = allowed.pace();
        warnPace(exchange.loop().loopId(), null, pace.stepsBefore(), pace.stepCap(), pace.firstCallMillis(),
                pace.previousCallMillis(), pace.wallClockMillis(), now);
        if (runHold != null && run.succeeded()) {
            exchange.runHold(runHold);
            RunDecision.Held held = (RunDecision.Held) run.result();
            warnPace(runHold.loopId(), runHold.runId(), held.stepsBefore(), runHold.limits().steps(), held.startMillis(),
                    held.lastCallMillis(), runHold.limits().wallClockMillis(), now);
        }
        if (exchange.route() == null) {
            exchange.loopFacts(allowed.budgetUsed(), allowed.repeatCount());
            plan.take(exchange, allowed.choice());
        }
        return next.proceed(exchange);
    }

    /**
     * Warns when this call carries a loop's or run's steps or wall clock across a fraction of its cap:
     * exactly one call takes each step, and one is the first past each point in time.
     *
     * @param run null for the loop's own caps
     */
    private void warnPace(String loopId, String run, long stepsBefore, long stepCap, long startMillis,
            long previousCallMillis, long wallClockMillis, long now) {
        List<Double> fractions = config.breakers().warnAt();
        if (fractions.isEmpty()) {
            return;
        }
        for (double fraction : BudgetWarnings.crossed(fractions, stepCap, stepsBefore + 1, 1)) {
            notifier.warned(new Warning(loopId, run, Warning.Cap.STEPS, fraction, stepsBefore + 1, stepCap, now));
        }
        long elapsed = now - startMillis;
        long sincePrevious = previousCallMillis == 0 ? elapsed + 1 : now - previousCallMillis;
        for (double fraction : BudgetWarnings.crossed(fractions, wallClockMillis, elapsed, sincePrevious)) {
            notifier.warned(new Warning(loopId, run, Warning.Cap.WALL_CLOCK, fraction, elapsed, wallClockMillis, now));
        }
    }

    /** What to hold in the call's run: its largest worst case; null when it names no run. */
    private RunHold runHold(Exchange exchange, ReserveChoices choices, long now) {
        String run = exchange.loop().run();
        if (run == null) {
            return null;
        }
        return new RunHold(exchange.loop().loopId(), run, exchange.requestId(), choices.maxNanos(), choices.maxTokens(),
                exchange.loopBudget().runs(), now + config.budgets().reservationTtl().toMillis(), now);
    }

    /**
     * Why the call's run refuses it, or null. A run store that cannot be reached refuses the call
     * unless {@code on_redis_down: allow}, when the call goes on without its run's caps.
     */
    private Throwable runRefusal(Exchange exchange, Future<RunDecision> run, long now) {
        if (run.failed()) {
            if (config.budgets().onRedisDown() == BudgetsConfig.RedisDownPolicy.ALLOW) {
                long last = lastRunStoreWarning.get();
                if (now - last >= RUN_STORE_WARNING_EVERY_MS && lastRunStoreWarning.compareAndSet(last, now)) {
                    LOG.warn("request {}: its run's caps are not applied, the run store cannot be reached: {}",
                            exchange.requestId(), run.cause().getMessage());
                }
                return null;
            }
            return run.cause();
        }
        if (run.result() instanceof RunDecision.Refused refused) {
            if (!refused.paused()) {
                return new GatewayException(ErrorCode.BUDGET_EXCEEDED, refused.message());
            }
            if (refused.trip().atMillis() == now) {
                notifier.runPaused(refused.trip(), LoopNotifier.BREAKER_ACTOR);
            }
            return LoopPausedErrors.of(refused.trip());
        }
        return null;
    }

    /** The worst case of each cell of the plan: what its route may cost; declined where its decision refuses the call. */
    private ReserveChoices choices(Exchange exchange, RoutePlan plan) {
        long[] nanos = new long[plan.cells()];
        long[] tokens = new long[plan.cells()];
        for (int cell = 0; cell < nanos.length; cell++) {
            if (plan.decision(cell) instanceof RouteDecision route) {
                ReserveChoices worst = worstCase(exchange, route);
                nanos[cell] = worst.nanos(0);
                tokens[cell] = worst.tokens(0);
            } else {
                nanos[cell] = ReserveChoices.DECLINED;
            }
        }
        return new ReserveChoices(plan.cuts().budgetUsed(), plan.cuts().repeatCount(), nanos, tokens);
    }

    /**
     * The estimated prompt plus the most output the call may ask for on {@code route} (under
     * its rule's cap), at the dearest price among its targets.
     */
    private ReserveChoices worstCase(Exchange exchange, RouteDecision route) {
        long prompt = exchange.promptTokenEstimate();
        ParsedRequest call = exchange.request();
        long worstNanos = 0;
        long worstTokens = 0;
        for (String target : route.targets()) {
            ModelConfig model = config.model(target);
            int modelMax = model.maxOutputTokens();
            int capped = route.maxTokensCap() == RouteDecision.NO_CAP ? modelMax : Math.min(modelMax, route.maxTokensCap());
            long output = call.worstOutputTokens(capped);
            worstNanos = Math.max(worstNanos, model.price().costNanos(new Usage(prompt, output, 0)));
            worstTokens = Math.max(worstTokens, prompt + output);
        }
        return ReserveChoices.single(worstNanos, worstTokens);
    }

    private GatewayException refusal(BudgetDecision.Refused refused, long worstCase, long now) {
        if (refused.reason() == RefusalReason.LOOP_PAUSED) {
            if (refused.trip() != null && refused.trip().atMillis() == now) {
                notifier.paused(refused.trip(), LoopNotifier.BREAKER_ACTOR);
            }
            return refused.trip() == null ? new GatewayException(ErrorCode.LOOP_PAUSED, refused.message())
                    : LoopPausedErrors.of(refused.trip());
        }
        return new GatewayException(ErrorCode.BUDGET_EXCEEDED, refused.message() + " (this call may cost up to $"
                + Money.format(worstCase) + "; lower max_tokens or ask an admin to raise the budget)");
    }
}

package dev.loopgate.budgets.ledger;

import dev.loopgate.budgets.ledger.internal.RedisBudgetLedger;
import dev.loopgate.budgets.ledger.internal.SlicedBudgetLedger;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A primary ledger for tests of {@link SlicedBudgetLedger}: a real ledger whose calls fail on
 * demand, as a {@link RedisBudgetLedger} does while Redis is down (a failed stage, nothing done).
 */
final class SwitchableLedger implements BudgetLedger {
    private final BudgetLedger real;
    private final Executor completer;
    private final AtomicInteger chargesLeft = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicInteger charges = new AtomicInteger();
    private volatile boolean down;

    /** @param completer where stages complete (another thread, like Redis replies), or null for at once */
    SwitchableLedger(BudgetLedger real, Executor completer) {
        this.real = real;
        this.completer = completer;
    }

    void down() {
        down = true;
    }

    void up() {
        down = false;
        chargesLeft.set(Integer.MAX_VALUE);
    }

    /** Up, but only the next {@code count} charges succeed; the ones after fail until {@link #up()}. */
    void upForCharges(int count) {
        down = false;
        chargesLeft.set(count);
    }

    /** How many charges the real ledger took. */
    int charges() {
        return charges.get();
    }

    BudgetLedger real() {
        return real;
    }

    @Override
    public CompletionStage<BudgetDecision> reserve(ReserveRequest request) {
        return call(() -> real.reserve(request));
    }

    @Override
    public CompletionStage<SettleResult> settle(Reservation reservation, Settlement settlement, BudgetLimits limits,
            BreakerSettings breakers, long nowMillis) {
        return call(() -> real.settle(reservation, settlement, limits, breakers, nowMillis));
    }

    @Override
    public CompletionStage<Void> cancel(Reservation reservation, String requestHash, long nowMillis) {
        return call(() -> real.cancel(reservation, requestHash, nowMillis));
    }

    @Override
    public CompletionStage<SettleResult> charge(String loopId, String bucket, long nanos, long tokens,
            BudgetLimits limits, long nowMillis) {
        if (!down && chargesLeft.getAndDecrement() <= 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("budget store down mid-replay"));
        }
        return call(() -> real.charge(loopId, bucket, nanos, tokens, limits, nowMillis)
                .thenApply(result -> {
                    charges.incrementAndGet();
                    return result;
                }));
    }

    @Override
    public CompletionStage<LoopFacts> peek(String loopId, String requestHash, BudgetLimits limits,
            BreakerSettings breakers, long nowMillis) {
        return call(() -> real.peek(loopId, requestHash, limits, breakers, nowMillis));
    }

    @Override
    public CompletionStage<LoopStatus> status(String loopId) {
        return call(() -> real.status(loopId));
    }

    @Override
    public CompletionStage<List<LoopStatus>> loops() {
        return call(real::loops);
    }

    @Override
    public CompletionStage<LoopStatus> pause(String loopId, String reason, String by, long nowMillis) {
        return call(() -> real.pause(loopId, reason, by, nowMillis));
    }

    @Override
    public CompletionStage<LoopStatus> resume(String loopId, String reason, String by, long nowMillis) {
        return call(() -> real.resume(loopId, reason, by, nowMillis));
    }

    @Override
    public CompletionStage<Void> setLimits(String loopId, BudgetLimits override) {
        return call(() -> real.setLimits(loopId, override));
    }

    @Override
    public CompletionStage<Integer> expireReservations(long nowMillis) {
        return call(() -> real.expireReservations(nowMillis));
    }

    @Override
    public void close() {
        real.close();
    }

    private <T> CompletionStage<T> call(Supplier<CompletionStage<T>> operation) {
        if (down) {
            return CompletableFuture.failedFuture(new IllegalStateException("budget store down"));
        }
        CompletionStage<T> done = operation.get();
        return completer == null ? done : done.thenApplyAsync(value -> value, completer);
    }
}

package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.BreakerSettings;
import dev.loopgate.budgets.ledger.BudgetDecision;
import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.LoopFacts;
import dev.loopgate.budgets.ledger.LoopStatus;
import dev.loopgate.budgets.ledger.Reservation;
import dev.loopgate.budgets.ledger.ReserveRequest;
import dev.loopgate.budgets.ledger.SettleResult;
import dev.loopgate.budgets.ledger.Settlement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The ledger of one gateway process, for running without Redis. One lock serves every loop
 * (each operation is a few map updates); stages are already complete when returned.
 */
public final class InMemoryBudgetLedger implements BudgetLedger {
    private final long reservationTtlMillis;
    private final Clock clock;
    private final ChargeListener listener;
    private final Map<String, MemoryLoop> loops = new HashMap<>();
    private final MemoryKeyCaps keyCaps = new MemoryKeyCaps();

    /** Reservations not settled within {@code reservationTtlMillis} are charged in full; the system clock dates status reads. */
    public InMemoryBudgetLedger(long reservationTtlMillis) {
        this(reservationTtlMillis, Clock.systemUTC());
    }

    /** @param clock the time of {@link #status}, {@link #loops} and {@link #setLimits}, which take no time argument */
    public InMemoryBudgetLedger(long reservationTtlMillis, Clock clock) {
        this(reservationTtlMillis, clock, ChargeListener.NONE);
    }

    /** @param listener told, under this ledger's lock, of every reservation it charges (settled or expired) */
    InMemoryBudgetLedger(long reservationTtlMillis, Clock clock, ChargeListener listener) {
        Checks.positive(reservationTtlMillis, "reservationTtlMillis");
        this.reservationTtlMillis = reservationTtlMillis;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public synchronized CompletionStage<BudgetDecision> reserve(ReserveRequest request) {
        long now = request.nowMillis();
        MemoryLoop loop = loops.computeIfAbsent(request.loopId(), this::newLoop);
        loop.expireOverdue(now);
        String keyDay = null;
        String keyRefusal = null;
        if (request.keyDailyCapNanos() > 0) {
            keyDay = Buckets.day(now);
            keyRefusal = keyCaps.refusal(request.keyName(), keyDay, request.worstCaseNanos(), request.keyDailyCapNanos(), now);
        }
        BudgetDecision decision = loop.reserve(request, Ids.reservationId(), now + reservationTtlMillis, keyDay, keyRefusal);
        if (decision instanceof BudgetDecision.Allowed allowed && keyDay != null) {
            keyCaps.hold(request.keyName(), keyDay, allowed.reservation().reservedNanos(), now);
        }
        return CompletableFuture.completedFuture(decision);
    }

    @Override
    public synchronized CompletionStage<Void> cancel(Reservation reservation, String requestHash, long nowMillis) {
        MemoryLoop loop = loops.get(Checks.loopId(reservation.loopId()));
        if (loop != null) {
            loop.expireOverdue(nowMillis);
            if (loop.cancel(reservation, requestHash, reservation.expiresAtMillis() - reservationTtlMillis)
                    && reservation.keyDay() != null) {
                keyCaps.release(reservation.keyName(), reservation.keyDay(), reservation.reservedNanos());
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<SettleResult> settle(Reservation reservation, Settlement settlement,
            BudgetLimits limits, BreakerSettings breakers, long nowMillis) {
        Objects.requireNonNull(settlement, "settlement");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(breakers, "breakers");
        MemoryLoop loop = loops.get(Checks.loopId(reservation.loopId()));
        if (loop == null) {
            return CompletableFuture.completedFuture(new SettleResult(0, null));
        }
        loop.expireOverdue(nowMillis);
        MemoryLoop.Settled settled = loop.settle(reservation, settlement, limits, breakers, nowMillis);
        if (settled.charged() && reservation.keyDay() != null) {
            keyCaps.settle(reservation.keyName(), reservation.keyDay(), reservation.reservedNanos(),
                    settlement.actualNanos(), nowMillis);
        }
        return CompletableFuture.completedFuture(settled.result());
    }

    @Override
    public synchronized CompletionStage<SettleResult> charge(String loopId, String bucket, long nanos, long tokens,
            BudgetLimits limits, long nowMillis) {
        Checks.loopId(loopId);
        Buckets.expireAtOf(bucket);
        Checks.amount(nanos, "nanos");
        Checks.amount(tokens, "tokens");
        Objects.requireNonNull(limits, "limits");
        MemoryLoop loop = loops.computeIfAbsent(loopId, this::newLoop);
        loop.expireOverdue(nowMillis);
        return CompletableFuture.completedFuture(loop.charge(bucket, nanos, tokens, limits, nowMillis));
    }

    @Override
    public synchronized CompletionStage<LoopFacts> peek(String loopId, String requestHash, BudgetLimits limits,
            BreakerSettings breakers, long nowMillis) {
        Checks.requestHash(requestHash);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(breakers, "breakers");
        MemoryLoop loop = loops.get(Checks.loopId(loopId));
        if (loop == null) {
            return CompletableFuture.completedFuture(new LoopFacts(null, 0, 0));
        }
        loop.expireOverdue(nowMillis);
        return CompletableFuture.completedFuture(loop.peek(requestHash, limits, breakers, nowMillis));
    }

    @Override
    public synchronized CompletionStage<LoopStatus> status(String loopId) {
        return CompletableFuture.completedFuture(statusNow(Checks.loopId(loopId), clock.millis()));
    }

    @Override
    public synchronized CompletionStage<List<LoopStatus>> loops() {
        long now = clock.millis();
        List<LoopStatus> all = new ArrayList<>();
        for (String loopId : loops.keySet()) {
            all.add(statusNow(loopId, now));
        }
        all.sort(LoopOrder.PAUSED_THEN_SPEND);
        return CompletableFuture.completedFuture(all);
    }

    @Override
    public synchronized CompletionStage<LoopStatus> pause(String loopId, String reason, String by, long nowMillis) {
        MemoryLoop loop = loops.computeIfAbsent(Checks.loopId(loopId), this::newLoop);
        loop.expireOverdue(nowMillis);
        loop.pause(Objects.requireNonNullElse(reason, ""), Objects.requireNonNullElse(by, ""), nowMillis);
        return CompletableFuture.completedFuture(loop.status(nowMillis));
    }

    @Override
    public synchronized CompletionStage<LoopStatus> resume(String loopId, String reason, String by, long nowMillis) {
        MemoryLoop loop = loops.computeIfAbsent(Checks.loopId(loopId), this::newLoop);
        loop.expireOverdue(nowMillis);
        loop.resume(Objects.requireNonNullElse(reason, ""), Objects.requireNonNullElse(by, ""), nowMillis);
        return CompletableFuture.completedFuture(loop.status(nowMillis));
    }

    @Override
    public synchronized CompletionStage<Void> setLimits(String loopId, BudgetLimits override) {
        loops.computeIfAbsent(Checks.loopId(loopId), this::newLoop).override(override);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Integer> expireReservations(long nowMillis) {
        int expired = 0;
        for (MemoryLoop loop : loops.values()) {
            expired += loop.expireOverdue(nowMillis);
        }
        return CompletableFuture.completedFuture(expired);
    }

    @Override
    public void close() {
        // nothing to release
    }

    /** How many reservations are held, in every loop. */
    synchronized int heldReservations() {
        return loops.values().stream().mapToInt(MemoryLoop::held).sum();
    }

    private MemoryLoop newLoop(String loopId) {
        return new MemoryLoop(loopId, listener);
    }

    private LoopStatus statusNow(String loopId, long now) {
        MemoryLoop loop = loops.get(loopId);
        if (loop == null) {
            return LoopStatus.unknown(loopId);
        }
        loop.expireOverdue(now);
        return loop.status(now);
    }
}

package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.Breaker;
import dev.loopgate.budgets.ledger.BreakerSettings;
import dev.loopgate.budgets.ledger.BudgetDecision;
import dev.loopgate.budgets.ledger.BudgetDecision.Allowed;
import dev.loopgate.budgets.ledger.BudgetDecision.Refused;
import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.LoopEvent;
import dev.loopgate.budgets.ledger.LoopFacts;
import dev.loopgate.budgets.ledger.LoopStatus;
import dev.loopgate.budgets.ledger.RefusalReason;
import dev.loopgate.budgets.ledger.Reservation;
import dev.loopgate.budgets.ledger.ReserveRequest;
import dev.loopgate.budgets.ledger.SettleResult;
import dev.loopgate.budgets.ledger.Settlement;
import dev.loopgate.budgets.ledger.Trip;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The ledger of {@code on_redis_down: allow}: the primary (Redis) ledger while it answers; while
 * its stages fail, a local slice of each loop's budget, reconciled into the primary once it is
 * back. The policy, what it guarantees and what it does not: {@code docs/budgets.md}, "When
 * Redis is down".
 *
 * <ul>
 *   <li>{@code reserve} and {@code peek} fall back to an in-memory ledger whose limits are those
 *       of the call scaled by the slice fraction; reservations it makes have ids starting with
 *       {@value #LOCAL_PREFIX}, and their {@code settle} goes to it. A refusal of the primary is
 *       an answer, not a failure.</li>
 *   <li>Every reservation the slice charges (settled or expired) is queued, and replayed into the
 *       primary with {@link BudgetLedger#charge} after any call the primary answers and on
 *       {@link #reconcile()}: in order, one at a time, each dropped only once the primary
 *       acknowledged it. Trips the replay causes go to the {@link #onTrip} listener.</li>
 *   <li>Once everything is replayed and the slice holds no reservation, the slice starts afresh.</li>
 *   <li>{@code status}, {@code loops}, {@code pause}, {@code resume}, {@code setLimits} and
 *       {@code charge} go to the primary only and fail while it does.</li>
 * </ul>
 */
public final class SlicedBudgetLedger implements BudgetLedger {
    /** How the ids of reservations made from the local slice begin. */
    public static final String LOCAL_PREFIX = "local:";
    private static final int REMEMBERED_PAUSES = 100_000;

    private final BudgetLedger primary;
    private final BigDecimal fraction;
    private final long reservationTtlMillis;
    private final Clock clock;
    private final Replays replays;
    /** Loops the primary last reported paused, so an outage does not unpause them. */
    private final Map<String, Trip> pausedInPrimary = new ConcurrentHashMap<>();
    /** Held while reserving from the slice and while replacing it, so no reservation lands in a dropped slice. */
    private final Object switching = new Object();
    private volatile Slice slice;
    private volatile boolean usingLocalSlice;
    private volatile boolean primaryAnswering = true;

    /**
     * The in-memory ledger of one outage, the configured limits of each loop it served (for the
     * hard budget breaker when its charges are replayed), and whether it was used.
     */
    private record Slice(InMemoryBudgetLedger ledger, Map<String, BudgetLimits> limits, AtomicBoolean used) {
    }

    /**
     * @param primary              the shared ledger (Redis); closed with this one
     * @param slice                the fraction of every limit a loop may use here while the primary fails:
     *                             more than 0, at most 1
     * @param reservationTtlMillis how long a local reservation may stay unsettled before it is charged in full
     * @param clock                the time of replayed charges and of the slice's status reads
     */
    public SlicedBudgetLedger(BudgetLedger primary, double slice, long reservationTtlMillis, Clock clock) {
        this(primary, slice, reservationTtlMillis, clock, null);
    }

    /**
     * As above, keeping the replay queue in {@code spoolDir} (null: in memory only), so what the
     * slice spent survives a restart of this replica and is replayed by the next run.
     */
    public SlicedBudgetLedger(BudgetLedger primary, double slice, long reservationTtlMillis, Clock clock, Path spoolDir) {
        this.primary = Objects.requireNonNull(primary, "primary");
        if (!(slice > 0 && slice <= 1)) {
            throw new IllegalArgumentException("slice must be more than 0 and at most 1, was " + slice);
        }
        this.fraction = BigDecimal.valueOf(slice);
        Checks.positive(reservationTtlMillis, "reservationTtlMillis");
        this.reservationTtlMillis = reservationTtlMillis;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.replays = new Replays(this::replayCharge, this::replayTrip, this::resetIfIdle, spoolDir);
        this.slice = newSlice();
    }

    /**
     * Who is told of every trip a replayed charge causes (a loop whose spend in Redis reached its
     * budget once the slice's spend was added). Called on the primary's threads; one listener,
     * replacing any earlier one.
     */
    public void onTrip(Consumer<Trip> listener) {
        replays.onTrip(listener);
    }

    /** Whether the last reserve was served from the local slice (the primary failed). */
    public boolean usingLocalSlice() {
        return usingLocalSlice;
    }

    /** How many local charges (and trips) are waiting to be replayed into the primary. */
    public int pendingReplays() {
        return replays.pending();
    }

    /**
     * Replays the pending charges into the primary now, unless a replay is running (then this
     * is that one). Never fails: a primary failure stops the replay, leaving the rest queued.
     *
     * @return how many are still pending when it stopped (0: everything reached the primary)
     */
    public CompletionStage<Integer> reconcile() {
        return replays.run();
    }

    @Override
    public CompletionStage<BudgetDecision> reserve(ReserveRequest request) {
        Objects.requireNonNull(request, "request");
        return primary.reserve(request).handle((decision, failure) -> {
            usingLocalSlice = failure != null;
            if (failure != null) {
                primaryAnswering = false;
                return reserveLocally(request);
            }
            learn(request.loopId(), decision instanceof Refused refused && refused.reason() == RefusalReason.LOOP_PAUSED
                    ? refused.trip() : null);
            answered();
            return decision;
        });
    }

    @Override
    public CompletionStage<Void> cancel(Reservation reservation, String requestHash, long nowMillis) {
        if (!reservation.id().startsWith(LOCAL_PREFIX)) {
            return primary.cancel(reservation, requestHash, nowMillis);
        }
        return slice.ledger().cancel(withId(reservation, reservation.id().substring(LOCAL_PREFIX.length())),
                requestHash, nowMillis);
    }

    @Override
    public CompletionStage<SettleResult> settle(Reservation reservation, Settlement settlement, BudgetLimits limits,
            BreakerSettings breakers, long nowMillis) {
        if (!reservation.id().startsWith(LOCAL_PREFIX)) {
            return watch(primary.settle(reservation, settlement, limits, breakers, nowMillis), result -> {
                if (result.trip() != null) {
                    learn(reservation.loopId(), result.trip());
                }
            });
        }
        Reservation local = withId(reservation, reservation.id().substring(LOCAL_PREFIX.length()));
        SettleResult result = slice.ledger().settle(local, settlement, scale(limits), breakers, nowMillis)
                .toCompletableFuture().join();
        Trip trip = result.trip();
        if (trip != null && spentSlice(trip)) {
            result = new SettleResult(result.spentNanos(), null);
        } else if (trip != null) {
            replays.addTrip(trip);
        }
        if (primaryAnswering) {
            replays.run();
        }
        return CompletableFuture.completedFuture(result);
    }

    /** Charges the primary only: spend settled elsewhere belongs in the shared ledger. */
    @Override
    public CompletionStage<SettleResult> charge(String loopId, String bucket, long nanos, long tokens,
            BudgetLimits limits, long nowMillis) {
        return watch(primary.charge(loopId, bucket, nanos, tokens, limits, nowMillis), result -> {
            if (result.trip() != null) {
                learn(loopId, result.trip());
            }
        });
    }

    @Override
    public CompletionStage<LoopFacts> peek(String loopId, String requestHash, BudgetLimits limits,
            BreakerSettings breakers, long nowMillis) {
        Objects.requireNonNull(limits, "limits");
        return primary.peek(loopId, requestHash, limits, breakers, nowMillis).handle((facts, failure) -> {
            if (failure == null) {
                learn(loopId, facts.pausedBy());
                answered();
                return facts;
            }
            primaryAnswering = false;
            LoopFacts local = slice.ledger().peek(loopId, requestHash, scale(limits), breakers, nowMillis)
                    .toCompletableFuture().join();
            Trip paused = pausedInPrimary.get(loopId);
            if (paused == null && local.pausedBy() != null && !spentSlice(local.pausedBy())) {
                paused = local.pausedBy();
            }
            return new LoopFacts(paused, local.budgetUsed(), local.repeatCount());
        });
    }

    @Override
    public CompletionStage<LoopStatus> status(String loopId) {
        return watch(primary.status(loopId), this::learn);
    }

    @Override
    public CompletionStage<List<LoopStatus>> loops() {
        return watch(primary.loops(), all -> all.forEach(this::learn));
    }

    @Override
    public CompletionStage<LoopStatus> pause(String loopId, String reason, String by, long nowMillis) {
        return watch(primary.pause(loopId, reason, by, nowMillis), this::learn);
    }

    @Override
    public CompletionStage<LoopStatus> resume(String loopId, String reason, String by, long nowMillis) {
        return watch(primary.resume(loopId, reason, by, nowMillis), this::learn);
    }

    @Override
    public CompletionStage<Void> setLimits(String loopId, BudgetLimits override) {
        return watch(primary.setLimits(loopId, override), done -> {
        });
    }

    /** Expires the slice's reservations and the primary's; a failing primary leaves just the slice's count. */
    @Override
    public CompletionStage<Integer> expireReservations(long nowMillis) {
        int local = slice.ledger().expireReservations(nowMillis).toCompletableFuture().join();
        return primary.expireReservations(nowMillis).handle((count, failure) -> {
            if (failure != null) {
                primaryAnswering = false;
                return local;
            }
            answered();
            return local + count;
        });
    }

    @Override
    public void close() {
        primary.close();
        slice.ledger().close();
        replays.close();
    }

    private BudgetDecision reserveLocally(ReserveRequest request) {
        String loopId = request.loopId();
        Trip paused = pausedInPrimary.get(loopId);
        if (paused != null) {
            return new Refused(RefusalReason.LOOP_PAUSED, Texts.paused(paused), paused);
        }
        ReserveRequest scaled = new ReserveRequest(loopId, request.keyName(), request.requestHash(),
                request.choices(), scale(request.limits()),
                scale(request.keyDailyCapNanos()), request.breakers(), request.nowMillis());
        BudgetDecision decision;
        synchronized (switching) {
            Slice current = slice;
            current.used().set(true);
            current.limits().put(loopId, request.limits());
            decision = current.ledger().reserve(scaled).toCompletableFuture().join();
        }
        if (decision instanceof Allowed allowed) {
            return new Allowed(withId(allowed.reservation(), LOCAL_PREFIX + allowed.reservation().id()),
                    allowed.budgetUsed(), allowed.repeatCount(), allowed.choice(), allowed.pace());
        }
        if (!(decision instanceof Refused refused)) {
            return decision;
        }
        if (refused.trip() != null && spentSlice(refused.trip())) {
            return new Refused(RefusalReason.BUDGET_EXCEEDED, Texts.sliceSpent(loopId), null);
        }
        if (refused.trip() != null && refused.trip().atMillis() == request.nowMillis()) {
            replays.addTrip(refused.trip());
        }
        return refused;
    }

    /**
     * A cap tripped in the slice (budget, steps) says the slice is spent, not the loop's budget:
     * the loop is refused with {@code BUDGET_EXCEEDED} and nobody is told of a trip.
     */
    private static boolean spentSlice(Trip trip) {
        return trip.breaker() == Breaker.HARD_BUDGET || trip.breaker() == Breaker.STEP_CAP;
    }

    /** Passes the primary's answer on; a success is the sign it is back, so the queue is replayed. */
    private <T> CompletionStage<T> watch(CompletionStage<T> call, Consumer<T> onSuccess) {
        return call.whenComplete((value, failure) -> {
            if (failure != null) {
                primaryAnswering = false;
            } else {
                onSuccess.accept(value);
                answered();
            }
        });
    }

    private void answered() {
        primaryAnswering = true;
        if (replays.pending() > 0 || slice.used().get()) {
            replays.run();
        }
    }

    /** Replays a local charge into the primary; the trip it causes, if any, goes to the listener. */
    private CompletionStage<Trip> replayCharge(Replays.Charge charge) {
        return replayed(primary.charge(charge.loopId(), charge.bucket(), charge.nanos(), charge.tokens(),
                charge.limits(), clock.millis())).thenApply(result -> {
                    if (result.trip() != null) {
                        learn(result.trip());
                    }
                    return result.trip();
                });
    }

    /** Replays a trip made by the slice as a pause of the loop in the primary (nobody is told again). */
    private CompletionStage<LoopStatus> replayTrip(Trip trip) {
        return replayed(primary.pause(trip.loopId(), Texts.trippedWhileDown(trip), LoopEvent.BY_LOOPGATE,
                trip.atMillis())).thenApply(status -> {
                    learn(status);
                    return status;
                });
    }

    private <T> CompletionStage<T> replayed(CompletionStage<T> call) {
        return call.whenComplete((value, failure) -> primaryAnswering = failure == null);
    }

    private void learn(LoopStatus status) {
        learn(status.loopId(), status.pausedBy());
    }

    private void learn(Trip trip) {
        learn(trip.loopId(), trip);
    }

    private void learn(String loopId, Trip pausedBy) {
        if (pausedBy == null) {
            pausedInPrimary.remove(loopId);
            return;
        }
        if (pausedInPrimary.size() >= REMEMBERED_PAUSES) {
            pausedInPrimary.clear();
        }
        pausedInPrimary.put(loopId, pausedBy);
    }

    /**
     * Starts a fresh slice once everything was replayed, the primary answers and the slice holds
     * no reservation (a call still in flight keeps it, so its settle is charged and replayed).
     */
    private void resetIfIdle() {
        synchronized (switching) {
            Slice current = slice;
            if (primaryAnswering && current.used().get() && replays.pending() == 0
                    && current.ledger().heldReservations() == 0) {
                slice = newSlice();
            }
        }
    }

    private Slice newSlice() {
        Map<String, BudgetLimits> limits = new ConcurrentHashMap<>();
        ChargeListener queue = (loopId, bucket, nanos, tokens) -> {
            if (nanos > 0 || tokens > 0) {
                replays.addCharge(new Replays.Charge(loopId, bucket, nanos, tokens,
                        limits.getOrDefault(loopId, BudgetLimits.NONE)));
            }
        };
        return new Slice(new InMemoryBudgetLedger(reservationTtlMillis, clock, queue), limits, new AtomicBoolean());
    }

    private BudgetLimits scale(BudgetLimits limits) {
        return new BudgetLimits(scale(limits.usdNanos()), scale(limits.tokens()), scale(limits.steps()),
                limits.wallClockMillis(), limits.period());
    }

    /** The slice of a limit, rounded down; a set limit stays set (at least 1), 0 (none) stays 0. */
    private long scale(long limit) {
        if (limit == 0) {
            return 0;
        }
        return Math.max(1, BigDecimal.valueOf(limit).multiply(fraction).setScale(0, RoundingMode.FLOOR).longValue());
    }

    private static Reservation withId(Reservation reservation, String id) {
        return new Reservation(id, reservation.loopId(), reservation.keyName(), reservation.reservedNanos(),
                reservation.reservedTokens(), reservation.expiresAtMillis(), reservation.bucket(), reservation.keyDay());
    }
}

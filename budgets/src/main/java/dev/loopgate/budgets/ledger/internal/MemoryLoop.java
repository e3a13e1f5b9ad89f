package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.Breaker;
import dev.loopgate.budgets.ledger.BreakerSettings;
import dev.loopgate.budgets.ledger.BudgetDecision;
import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.LoopEvent;
import dev.loopgate.budgets.ledger.LoopFacts;
import dev.loopgate.budgets.ledger.LoopState;
import dev.loopgate.budgets.ledger.LoopStatus;
import dev.loopgate.budgets.ledger.Period;
import dev.loopgate.budgets.ledger.RefusalReason;
import dev.loopgate.budgets.ledger.Reservation;
import dev.loopgate.budgets.ledger.ReserveChoices;
import dev.loopgate.budgets.ledger.ReserveRequest;
import dev.loopgate.budgets.ledger.SettleResult;
import dev.loopgate.budgets.ledger.Settlement;
import dev.loopgate.budgets.ledger.Trip;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * One loop's ledger in memory: the same rules, in the same order, as the Redis scripts
 * ({@code reserve_v1.lua}, {@code settle_v1.lua}, {@code loop_v1.lua}). Not thread-safe: the
 * caller holds a lock.
 */
public final class MemoryLoop {
    private static final long RATE_WINDOW_SECONDS = 60;
    private static final int REPEAT_SWEEP_SIZE = 1_000;
    private static final ArrayDeque<Long> NO_OCCURRENCES = new ArrayDeque<>(0);

    private final String loopId;
    private final ChargeListener listener;
    private Trip pausedBy;
    private boolean started;
    private long firstCallMillis;
    private long lastCallMillis;
    private long steps;
    private long failures;
    private long expired;
    private long overruns;
    private BudgetLimits override;
    private Period lastPeriod = Period.TOTAL;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Map<String, Held> held = new HashMap<>();
    private final Map<String, ArrayDeque<Long>> repeats = new HashMap<>();
    /** The map size at which stale request hashes are next swept out (doubles, so sweeping stays O(1) per call). */
    private int repeatSweepAt = REPEAT_SWEEP_SIZE;
    private final TreeMap<Long, Long> spendBySecond = new TreeMap<>();
    private final ArrayDeque<LoopEvent> events = new ArrayDeque<>();

    private static final class Bucket {
        long spent;
        long reserved;
        long tokens;
        long reservedTokens;
        long expireAt;
    }

    private record Held(String bucket, long bucketExpireAt, long nanos, long tokens, long expiresAt) {
    }

    public MemoryLoop(String loopId) {
        this(loopId, ChargeListener.NONE);
    }

    /** @param listener told of every reservation this loop charges (settled or expired) */
    public MemoryLoop(String loopId, ChargeListener listener) {
        this.loopId = loopId;
        this.listener = listener;
    }

    /** Charges the reservations whose expiry time is at or before {@code now} at their reserved amount. */
    public int expireOverdue(long now) {
        int count = 0;
        long charged = 0;
        for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
            Held overdue = it.next();
            if (overdue.expiresAt() <= now) {
                it.remove();
                charge(overdue, overdue.nanos(), overdue.tokens(), now);
                charged += overdue.nanos();
                count++;
            }
        }
        if (count > 0) {
            expired += count;
            record(new LoopEvent(LoopEvent.EXPIRE, null, Texts.expired(count, charged), LoopEvent.BY_LOOPGATE, now));
        }
        return count;
    }

    /**
     * Rules 2 to 8 of a reserve (the caller has expired overdue reservations).
     *
     * @param keyDay     the key cap's day, or null when no key cap applies
     * @param keyRefusal the message when the key cap does not fit this call, else null
     */
    public BudgetDecision reserve(ReserveRequest request, String id, long expiresAt, String keyDay, String keyRefusal) {
        long now = request.nowMillis();
        if (pausedBy != null) {
            return new BudgetDecision.Refused(RefusalReason.LOOP_PAUSED, Texts.paused(pausedBy), pausedBy);
        }
        BudgetLimits limits = effective(request.limits());
        BreakerSettings breakers = request.breakers();
        long window = breakers.repeatWindowMillis();
        ArrayDeque<Long> occurrences = counted(request.requestHash())
                ? occurrences(request.requestHash(), window, now) : null;
        long repeatCount = occurrences == null ? 0 : occurrences.size();
        String name = Buckets.name(limits.period(), now);
        Bucket bucket = bucket(name, Buckets.expireAt(limits.period(), now), now);
        double budgetUsed = budgetUsed(bucket, limits);
        ReserveChoices choices = request.choices();
        int choice = choices.cellOf(budgetUsed, repeatCount);
        if (choices.declined(choice)) {
            return new BudgetDecision.Declined(choice, budgetUsed, repeatCount);
        }
        long worstNanos = choices.nanos(choice);
        long worstTokens = choices.tokens(choice);
        if (!started) {
            started = true;
            firstCallMillis = now;
        }
        lastPeriod = limits.period();
        if (limits.wallClockMillis() > 0 && now - firstCallMillis >= limits.wallClockMillis()) {
            return refuseTripping(Breaker.WALL_CLOCK, Texts.wallClock(limits.wallClockMillis(), now - firstCallMillis), now);
        }
        if (limits.steps() > 0 && steps >= limits.steps()) {
            return refuseTripping(Breaker.STEP_CAP, Texts.stepCap(limits.steps()), now);
        }
        if (occurrences != null && breakers.sameRequestLimit() > 0 && repeatCount + 1 >= breakers.sameRequestLimit()) {
            return refuseTripping(Breaker.NO_PROGRESS,
                    Texts.noProgress(repeatCount + 1, window, breakers.sameRequestLimit()), now);
        }
        if (limits.usdNanos() > 0 && bucket.spent >= limits.usdNanos()) {
            return refuseTripping(Breaker.HARD_BUDGET, Texts.hardBudgetUsd(bucket.spent, limits.usdNanos(), name), now);
        }
        if (limits.tokens() > 0 && bucket.tokens >= limits.tokens()) {
            return refuseTripping(Breaker.HARD_BUDGET, Texts.hardBudgetTokens(bucket.tokens, limits.tokens(), name), now);
        }
        if (limits.usdNanos() > 0 && bucket.spent + bucket.reserved + worstNanos > limits.usdNanos()) {
            return new BudgetDecision.Refused(RefusalReason.BUDGET_EXCEEDED, Texts.budgetExceeded(loopId,
                    limits.usdNanos(), bucket.spent, bucket.reserved, name), null);
        }
        if (limits.tokens() > 0 && bucket.tokens + bucket.reservedTokens + worstTokens > limits.tokens()) {
            return new BudgetDecision.Refused(RefusalReason.BUDGET_EXCEEDED, Texts.tokensExceeded(loopId,
                    limits.tokens(), bucket.tokens, bucket.reservedTokens, name), null);
        }
        if (keyRefusal != null) {
            return new BudgetDecision.Refused(RefusalReason.KEY_CAP_EXCEEDED, keyRefusal, null);
        }
        bucket.reserved += worstNanos;
        bucket.reservedTokens += worstTokens;
        BudgetDecision.Pace pace = new BudgetDecision.Pace(steps, limits.steps(), firstCallMillis, lastCallMillis,
                limits.wallClockMillis());
        steps++;
        lastCallMillis = Math.max(lastCallMillis, now);
        if (occurrences != null) {
            occurrences.addLast(now);
            if (occurrences.size() > BreakerSettings.MAX_REPEATS_KEPT) {
                occurrences.removeFirst();
            }
        }
        held.put(id, new Held(name, bucket.expireAt, worstNanos, worstTokens, expiresAt));
        Reservation reservation = new Reservation(id, loopId, request.keyName(), worstNanos, worstTokens, expiresAt, name,
                keyDay);
        return new BudgetDecision.Allowed(reservation, budgetUsed, repeatCount, choice, pace);
    }

    /**
     * Charges the reservation's actual cost and applies the outcome breakers (the caller has
     * expired overdue reservations).
     *
     * @return the result, and whether the reservation was still held (and so charged now)
     */
    public Settled settle(Reservation reservation, Settlement settlement, BudgetLimits configured,
            BreakerSettings breakers, long now) {
        BudgetLimits limits = effective(configured);
        Held removed = held.remove(reservation.id());
        if (removed == null) {
            return new Settled(new SettleResult(currentBucket(limits.period(), now).spent, null), false);
        }
        charge(removed, settlement.actualNanos(), settlement.actualTokens(), now);
        if (settlement.actualNanos() > removed.nanos()) {
            overruns++;
        }
        Trip trip = null;
        if (breakers.usdPerMinuteNanos() > 0) {
            long second = Math.floorDiv(now, 1000);
            if (settlement.actualNanos() > 0) {
                spendBySecond.merge(second, settlement.actualNanos(), Long::sum);
            }
            spendBySecond.headMap(second - RATE_WINDOW_SECONDS + 1).clear();
            long lastMinute = spendBySecond.values().stream().mapToLong(Long::longValue).sum();
            if (lastMinute > breakers.usdPerMinuteNanos()) {
                trip = tripUnlessPaused(Breaker.SPEND_RATE, Texts.spendRate(lastMinute, breakers.usdPerMinuteNanos()), now);
            }
        }
        if (settlement.upstreamFailed()) {
            failures++;
            if (breakers.consecutiveFailures() > 0 && failures >= breakers.consecutiveFailures() && trip == null) {
                trip = tripUnlessPaused(Breaker.UPSTREAM_FAILURES,
                        Texts.upstreamFailures(failures, breakers.consecutiveFailures()), now);
            }
        } else {
            failures = 0;
        }
        String name = Buckets.name(limits.period(), now);
        Bucket current = bucket(name, Buckets.expireAt(limits.period(), now), now);
        if (trip == null) {
            trip = hardBudget(limits, current, name, now);
        }
        return new Settled(new SettleResult(current.spent, trip), true);
    }

    /**
     * Adds spend settled elsewhere to the bucket {@code bucketName}, then applies the hard budget
     * breaker (the caller has expired overdue reservations). Holds and releases nothing.
     */
    public SettleResult charge(String bucketName, long nanos, long tokens, BudgetLimits configured, long now) {
        Bucket charged = bucket(bucketName, Buckets.expireAtOf(bucketName), now);
        charged.spent += nanos;
        charged.tokens += tokens;
        BudgetLimits limits = effective(configured);
        lastPeriod = limits.period();
        String name = Buckets.name(limits.period(), now);
        Bucket current = bucket(name, Buckets.expireAt(limits.period(), now), now);
        return new SettleResult(current.spent, hardBudget(limits, current, name, now));
    }

    /** How many reservations are held. */
    public int held() {
        return held.size();
    }

    /** A settle's result, and whether it charged the reservation (false: unknown, settled or expired). */
    public record Settled(SettleResult result, boolean charged) {
    }

    public LoopFacts peek(String requestHash, BudgetLimits configured, BreakerSettings breakers, long now) {
        BudgetLimits limits = effective(configured);
        long repeatCount = !counted(requestHash) ? 0 : earlierOccurrences(requestHash, breakers.repeatWindowMillis(), now);
        return new LoopFacts(pausedBy, budgetUsed(currentBucket(limits.period(), now), limits), repeatCount);
    }

    public void pause(String reason, String by, long now) {
        if (pausedBy == null) {
            pausedBy = new Trip(loopId, Breaker.MANUAL, reason, now);
            record(new LoopEvent(LoopEvent.PAUSE, Breaker.MANUAL, reason, by, now));
        }
    }

    /** Back to active; the breakers' evidence (failures in a row, repeats, last minute's spend) is cleared. */
    public void resume(String reason, String by, long now) {
        if (pausedBy != null) {
            pausedBy = null;
            failures = 0;
            repeats.clear();
            repeatSweepAt = REPEAT_SWEEP_SIZE;
            spendBySecond.clear();
            record(new LoopEvent(LoopEvent.RESUME, null, reason, by, now));
        }
    }

    public void override(BudgetLimits limits) {
        override = limits;
    }

    public LoopStatus status(long now) {
        Period period = override != null ? override.period() : lastPeriod;
        Bucket bucket = currentBucket(period, now);
        return new LoopStatus(loopId, pausedBy == null ? LoopState.ACTIVE : LoopState.PAUSED, bucket.spent,
                bucket.reserved, bucket.tokens, steps, firstCallMillis, override, pausedBy, new ArrayList<>(events),
                expired, overruns);
    }

    private BudgetLimits effective(BudgetLimits configured) {
        return override != null ? override : configured;
    }

    private static double budgetUsed(Bucket bucket, BudgetLimits limits) {
        return limits.usdNanos() > 0 ? (double) (bucket.spent + bucket.reserved) / limits.usdNanos() : 0;
    }

    /** Trips {@link Breaker#HARD_BUDGET} when the current bucket's USD, else its tokens, reached the limit. */
    private Trip hardBudget(BudgetLimits limits, Bucket current, String name, long now) {
        if (limits.usdNanos() > 0 && current.spent >= limits.usdNanos()) {
            return tripUnlessPaused(Breaker.HARD_BUDGET, Texts.hardBudgetUsd(current.spent, limits.usdNanos(), name), now);
        }
        if (limits.tokens() > 0 && current.tokens >= limits.tokens()) {
            return tripUnlessPaused(Breaker.HARD_BUDGET, Texts.hardBudgetTokens(current.tokens, limits.tokens(), name), now);
        }
        return null;
    }

    private BudgetDecision refuseTripping(Breaker breaker, String reason, long now) {
        Trip trip = tripUnlessPaused(breaker, reason, now);
        return new BudgetDecision.Refused(RefusalReason.LOOP_PAUSED, Texts.paused(trip), trip);
    }

    private Trip tripUnlessPaused(Breaker breaker, String reason, long now) {
        if (pausedBy != null) {
            return null;
        }
        pausedBy = new Trip(loopId, breaker, reason, now);
        record(new LoopEvent(LoopEvent.TRIP, breaker, reason, LoopEvent.BY_LOOPGATE, now));
        return pausedBy;
    }

    private void record(LoopEvent event) {
        events.addFirst(event);
        while (events.size() > LoopStatus.HISTORY_SIZE) {
            events.removeLast();
        }
    }

    /**
     * Undoes a reserve the call did not use (the caller has expired overdue reservations).
     *
     * @param reservedAt when it was made, the time its repeat was recorded at
     * @return whether it was still held (and so undone now)
     */
    public boolean cancel(Reservation reservation, String requestHash, long reservedAt) {
        Held removed = held.remove(reservation.id());
        if (removed == null) {
            return false;
        }
        Bucket bucket = buckets.get(removed.bucket());
        if (bucket != null) {
            bucket.reserved = Math.max(0, bucket.reserved - removed.nanos());
            bucket.reservedTokens = Math.max(0, bucket.reservedTokens - removed.tokens());
        }
        steps = Math.max(0, steps - 1);
        ArrayDeque<Long> times = counted(requestHash) ? repeats.get(requestHash) : null;
        if (times != null) {
            times.removeLastOccurrence(reservedAt);
        }
        return true;
    }

    private void charge(Held reservation, long nanos, long tokens, long now) {
        Bucket bucket = bucket(reservation.bucket(), reservation.bucketExpireAt(), now);
        bucket.reserved = Math.max(0, bucket.reserved - reservation.nanos());
        bucket.reservedTokens = Math.max(0, bucket.reservedTokens - reservation.tokens());
        bucket.spent += nanos;
        bucket.tokens += tokens;
        listener.charged(loopId, reservation.bucket(), nanos, tokens);
    }

    /** The bucket by name, created when missing or past its expiry (as Redis deletes an expired key). */
    private Bucket bucket(String name, long expireAt, long now) {
        Bucket bucket = buckets.get(name);
        if (bucket == null || (bucket.expireAt > 0 && bucket.expireAt <= now)) {
            buckets.values().removeIf(old -> old.expireAt > 0 && old.expireAt <= now);
            bucket = new Bucket();
            buckets.put(name, bucket);
        }
        bucket.expireAt = expireAt;
        return bucket;
    }

    /** The current bucket of the period, read only: an empty one when there is none. */
    private Bucket currentBucket(Period period, long now) {
        Bucket bucket = buckets.get(Buckets.name(period, now));
        return bucket == null || (bucket.expireAt > 0 && bucket.expireAt <= now) ? new Bucket() : bucket;
    }

    /** Calls without a request hash (null or empty) are not counted as repeats. */
    private static boolean counted(String requestHash) {
        return requestHash != null && !requestHash.isEmpty();
    }

    /** This request's earlier occurrences still inside the sliding window ({@code now - t < window}). */
    private ArrayDeque<Long> occurrences(String requestHash, long window, long now) {
        if (repeats.size() > repeatSweepAt) {
            repeats.values().removeIf(times -> times.isEmpty() || times.peekLast() <= now - window);
            repeatSweepAt = Math.max(REPEAT_SWEEP_SIZE, 2 * repeats.size());
        }
        ArrayDeque<Long> times = repeats.computeIfAbsent(requestHash, h -> new ArrayDeque<>());
        dropBefore(times, now - window);
        return times;
    }

    /** Like {@link #occurrences} but read-only: a peek leaves no entry behind. */
    private long earlierOccurrences(String requestHash, long window, long now) {
        ArrayDeque<Long> times = repeats.getOrDefault(requestHash, NO_OCCURRENCES);
        dropBefore(times, now - window);
        return times.size();
    }

    private static void dropBefore(ArrayDeque<Long> times, long cutoff) {
        while (!times.isEmpty() && times.peekFirst() <= cutoff) {
            times.removeFirst();
        }
    }
}

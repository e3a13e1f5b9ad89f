package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.BreakerSettings;
import dev.loopgate.budgets.ledger.BudgetDecision;
import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.LedgerHistory;
import dev.loopgate.budgets.ledger.LedgerRebuildingException;
import dev.loopgate.budgets.ledger.LoopFacts;
import dev.loopgate.budgets.ledger.LoopStatus;
import dev.loopgate.budgets.ledger.RefusalReason;
import dev.loopgate.budgets.ledger.Reservation;
import dev.loopgate.budgets.ledger.ReserveChoices;
import dev.loopgate.budgets.ledger.ReserveRequest;
import dev.loopgate.budgets.ledger.SettleResult;
import dev.loopgate.budgets.ledger.Settlement;
import dev.loopgate.budgets.redis.Reconnecting;
import dev.loopgate.budgets.redis.RedisConnection;
import dev.loopgate.budgets.redis.RedisLink;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ledger shared by every gateway replica through Redis. Each operation on a loop is one
 * Lua script run by SHA (EVALSHA): one round trip to reserve and one to settle. A key's daily
 * cap lives under the key's own hash tag and costs a second round trip, only when it is set.
 * Key layout and scripts: {@link RedisKeys}, {@code lib_v1.lua}; rules: {@code docs/budgets.md}.
 *
 * <p>Redis that comes back without the ledger (restarted without persistence, or flushed) is
 * noticed by its missing epoch marker, and the ledger is written back from its
 * {@link LedgerHistory} before it serves again ({@link LedgerEpoch}); meanwhile reserves wait a
 * few seconds, then fail with {@link LedgerRebuildingException}. A reservation made before the loss (its id starts with
 * the epoch it was made in) is charged its actual cost, once, when it is settled after.
 *
 * <p>The constructor never blocks: it starts connecting (and loading the scripts) in the
 * background on its {@link RedisLink} (a single node, Sentinel or a Cluster: every script keeps
 * to one hash slot). Operations wait for that; while Redis cannot be reached they fail fast,
 * and the next operation after a failed start tries to connect again (at most once a second).
 * Stages complete on Lettuce's threads.
 */
public final class RedisBudgetLedger implements BudgetLedger {
    private static final int REGISTERED_MEMORY = 100_000;

    private final RedisLink link;
    private final RedisKeys keys;
    private final long reservationTtlMillis;
    private final Clock clock;
    private final LedgerHistory history;
    private final Reconnecting<Redis> connected;
    /** Loops this instance has added to the loops set (so the SADD is sent once per loop). */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private volatile String lastEpoch;
    private volatile CompletableFuture<Void> closing;

    private record Redis(RedisConnection<String, String> connection, LedgerEpoch epoch) {
        RedisClusterAsyncCommands<String, String> commands() {
            return connection.commands();
        }
    }

    /** Redis known to hold the ledger, in {@code epoch}. */
    private record Verified(Redis redis, String epoch) {
    }

    /**
     * A ledger on a connection of its own from {@code link} (which stays the caller's), writing the
     * ledger back from {@code history} when Redis lost it.
     *
     * @param namespace            the first part of every key, e.g. {@code lg}
     * @param reservationTtlMillis how long a reservation may stay unsettled before it is charged in full
     * @param clock                the time of {@link #status}, {@link #loops} and {@link #setLimits}, which take no time argument
     */
    public RedisBudgetLedger(RedisLink link, String namespace, long reservationTtlMillis, Clock clock,
            LedgerHistory history) {
        this.link = Objects.requireNonNull(link, "link");
        this.history = Objects.requireNonNull(history, "history");
        this.keys = RedisKeys.of(namespace);
        Checks.positive(reservationTtlMillis, "reservationTtlMillis");
        this.reservationTtlMillis = reservationTtlMillis;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.connected = new Reconnecting<>(this::connect);
        // a dropped connection may mean Redis came back empty: check the epoch before the next call
        link.onDisconnected(() -> {
            Redis open = connected.opened();
            if (open != null) {
                open.epoch().invalidate();
            }
        });
    }

    /**
     * Completes once connected with the scripts loaded and the ledger found (or rebuilt); fails
     * with the reason Redis cannot be used.
     */
    public CompletionStage<Void> ready() {
        return verified().thenApply(verified -> null);
    }

    @Override
    public CompletionStage<BudgetDecision> reserve(ReserveRequest request) {
        Objects.requireNonNull(request, "request");
        long expiresAt = request.nowMillis() + reservationTtlMillis;
        return verifiedNow().thenCompose(verified -> {
            Redis redis = verified.redis();
            String id = Ids.reservationId(verified.epoch());
            CompletableFuture<Void> registering = register(redis, request.loopId());
            CompletableFuture<BudgetDecision> decided = request.keyDailyCapNanos() > 0
                    ? reserveUnderKeyCap(redis, request, id, expiresAt)
                    : reserveInLoop(redis, request, id, expiresAt, null);
            return registering.thenCombine(decided, (registered, decision) -> decision);
        });
    }

    @Override
    public CompletionStage<SettleResult> settle(Reservation reservation, Settlement settlement, BudgetLimits limits,
            BreakerSettings breakers, long nowMillis) {
        String loopId = Checks.loopId(reservation.loopId());
        Objects.requireNonNull(settlement, "settlement");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(breakers, "breakers");
        String madeIn = Ids.epochOf(reservation.id());
        return verified().thenCompose(verified -> {
            boolean lost = !madeIn.isEmpty() && !madeIn.equals(verified.epoch());
            String[] args = keys.loopArgs(loopId, nowMillis, limits, reservation.id(),
                    Long.toString(settlement.actualNanos()), Long.toString(settlement.actualTokens()),
                    settlement.upstreamFailed() ? "1" : "0", Long.toString(breakers.usdPerMinuteNanos()),
                    Long.toString(breakers.consecutiveFailures()), lost ? reservation.bucket() : "",
                    lost ? Long.toString(Buckets.expireAtOf(reservation.bucket())) : "",
                    Long.toString(reservationTtlMillis));
            Redis redis = verified.redis();
            // the key's cap knows which reservations it holds, so both are sent at once
            CompletableFuture<List<Object>> key = settleKeyCap(redis, reservation, settlement.actualNanos(), nowMillis);
            return LedgerScript.SETTLE.run(redis.commands(), keys.settleKeys(loopId, reservation.bucket()), args)
                    .thenCombine(key, (reply, keyReply) -> RedisReplies.settleResult(loopId, reply));
        });
    }

    /** Gives the key's daily cap the call's actual cost in place of its hold; nothing when no key cap applied. */
    private CompletableFuture<List<Object>> settleKeyCap(Redis redis, Reservation reservation, long actualNanos,
            long nowMillis) {
        if (reservation.keyDay() == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        return LedgerScript.KEY.run(redis.commands(),
                new String[] {keys.keyDay(reservation.keyName(), reservation.keyDay())}, "settle", reservation.id(),
                Long.toString(actualNanos), Long.toString(reservation.expiresAtMillis()), Long.toString(nowMillis));
    }

    @Override
    public CompletionStage<Void> cancel(Reservation reservation, String requestHash, long nowMillis) {
        String loopId = Checks.loopId(reservation.loopId());
        return ledger().thenCompose(redis -> {
            CompletableFuture<List<Object>> key = reservation.keyDay() == null
                    ? CompletableFuture.completedFuture(List.of())
                    : releaseKeyCap(redis, reservation.keyName(), reservation.keyDay(), reservation.id());
            return cancel(redis, loopId, reservation.id(), requestHash, nowMillis).thenCombine(key, (loop, held) -> null);
        });
    }

    @Override
    public CompletionStage<SettleResult> charge(String loopId, String bucket, long nanos, long tokens,
            BudgetLimits limits, long nowMillis) {
        Checks.loopId(loopId);
        long bucketExpireAt = Buckets.expireAtOf(bucket);
        Checks.amount(nanos, "nanos");
        Checks.amount(tokens, "tokens");
        Objects.requireNonNull(limits, "limits");
        String[] args = keys.loopArgs(loopId, nowMillis, limits, bucket, Long.toString(bucketExpireAt),
                Long.toString(nanos), Long.toString(tokens));
        return ledger().thenCompose(redis -> register(redis, loopId).thenCombine(
                LedgerScript.CHARGE.run(redis.commands(), keys.settleKeys(loopId, bucket), args),
                (registered, reply) -> RedisReplies.settleResult(loopId, reply)));
    }

    @Override
    public CompletionStage<LoopFacts> peek(String loopId, String requestHash, BudgetLimits limits,
            BreakerSettings breakers, long nowMillis) {
        Checks.loopId(loopId);
        Checks.requestHash(requestHash);
        Objects.requireNonNull(limits, "limits");
        String[] args = keys.loopArgs(loopId, nowMillis, limits, "peek", "", "", "",
                requestHash == null ? "" : requestHash, Long.toString(breakers.repeatWindowMillis()));
        return verifiedNow()
                .thenCompose(verified -> LedgerScript.LOOP.run(verified.redis().commands(), keys.loopKeys(loopId), args))
                .thenApply(reply -> RedisReplies.facts(loopId, reply));
    }

    @Override
    public CompletionStage<LoopStatus> status(String loopId) {
        Checks.loopId(loopId);
        return ledger().thenCompose(redis -> loopOperation(redis, loopId, clock.millis(), "status", "", "", ""));
    }

    @Override
    public CompletionStage<List<LoopStatus>> loops() {
        long now = clock.millis();
        return ledger().thenCompose(redis -> redis.commands().smembers(keys.loops()).thenCompose(ids -> {
            List<CompletableFuture<LoopStatus>> statuses = new ArrayList<>();
            for (String loopId : ids) {
                statuses.add(loopOperation(redis, loopId, now, "status", "", "", ""));
            }
            return CompletableFuture.allOf(statuses.toArray(CompletableFuture[]::new)).thenApply(all -> {
                List<LoopStatus> loops = new ArrayList<>(statuses.size());
                statuses.forEach(status -> loops.add(status.join()));
                loops.sort(LoopOrder.PAUSED_THEN_SPEND);
                return loops;
            });
        }));
    }

    @Override
    public CompletionStage<LoopStatus> pause(String loopId, String reason, String by, long nowMillis) {
        return adminOperation(loopId, nowMillis, "pause", reason, by, "");
    }

    @Override
    public CompletionStage<LoopStatus> resume(String loopId, String reason, String by, long nowMillis) {
        return adminOperation(loopId, nowMillis, "resume", reason, by, "");
    }

    @Override
    public CompletionStage<Void> setLimits(String loopId, BudgetLimits override) {
        return adminOperation(loopId, clock.millis(), "limits", "", "", override == null ? "" : Codec.override(override))
                .thenApply(status -> null);
    }

    @Override
    public CompletionStage<Integer> expireReservations(long nowMillis) {
        return ledger().thenCompose(redis -> redis.commands().smembers(keys.loops()).thenCompose(ids -> {
            List<CompletableFuture<Integer>> counts = new ArrayList<>();
            for (String loopId : ids) {
                counts.add(LedgerScript.LOOP.run(redis.commands(), keys.loopKeys(loopId),
                        keys.loopArgs(loopId, nowMillis, BudgetLimits.NONE, "expire")).thenApply(RedisReplies::expired));
            }
            return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
                    .thenApply(all -> counts.stream().mapToInt(CompletableFuture::join).sum());
        }));
    }

    /** Starts closing and returns at once; see {@link #closeAsync()}. */
    @Override
    public void close() {
        closeAsync();
    }

    /** Closes the connection (the link stays the caller's). Safe to call twice. */
    public synchronized CompletionStage<Void> closeAsync() {
        if (closing == null) {
            closing = connected.close()
                    .handle((open, failure) -> open)
                    .thenCompose(open -> open == null ? CompletableFuture.completedFuture(null)
                            : open.connection().closeAsync().exceptionally(e -> null));
        }
        return closing;
    }

    private CompletableFuture<BudgetDecision> reserveInLoop(Redis redis, ReserveRequest request, String id,
            long expiresAt, String keyDay) {
        long now = request.nowMillis();
        BreakerSettings breakers = request.breakers();
        ReserveChoices choices = request.choices();
        String[] args = keys.loopArgs(request.loopId(), now, request.limits(), id, Codec.joined(choices.worstNanos()),
                Codec.joined(choices.worstTokens()), Long.toString(breakers.sameRequestLimit()),
                Long.toString(breakers.repeatWindowMillis()), request.requestHash() == null ? "" : request.requestHash(),
                Long.toString(expiresAt), Codec.joined(choices.budgetCuts()), Codec.joined(choices.repeatCuts()));
        return LedgerScript.RESERVE.run(redis.commands(), keys.loopKeys(request.loopId()), args)
                .thenApply(reply -> RedisReplies.decision(reply, request, id, expiresAt, keyDay));
    }

    /**
     * The key's cap and the loop, sent at once (they live in different hash slots): the key holds
     * the largest worst case if it fits. Whichever refuses, what the other held is given back
     * (the loop's reserve undone as if never made), so a refused call leaves nothing held; a loop
     * refusal is reported before the key's.
     */
    private CompletableFuture<BudgetDecision> reserveUnderKeyCap(Redis redis, ReserveRequest request, String id,
            long expiresAt) {
        String day = Buckets.day(request.nowMillis());
        String[] dayKey = {keys.keyDay(request.keyName(), day)};
        CompletableFuture<List<Object>> key = LedgerScript.KEY.run(redis.commands(), dayKey, "reserve", id,
                Long.toString(request.worstCaseNanos()), Long.toString(request.keyDailyCapNanos()),
                keepFor(RedisKeys.keyDayExpireAt(day), request.nowMillis()));
        CompletableFuture<BudgetDecision> loop = reserveInLoop(redis, request, id, expiresAt, day);
        return loop.handle((decision, loopFailure) -> key.handle((keyReply, keyFailure) -> {
            boolean keyHeld = keyFailure == null && RedisReplies.done(keyReply);
            boolean loopHeld = loopFailure == null && decision instanceof BudgetDecision.Allowed;
            if (keyHeld && loopHeld) {
                return CompletableFuture.completedFuture(decision);
            }
            CompletableFuture<?> undone = keyHeld ? releaseKeyCap(redis, request.keyName(), day, id)
                    : loopHeld ? cancel(redis, request.loopId(), id, request.requestHash(), request.nowMillis())
                    : CompletableFuture.completedFuture(null);
            Throwable failure = loopFailure != null ? loopFailure : keyFailure;
            BudgetDecision answer = failure != null ? null : loopHeld
                    ? new BudgetDecision.Refused(RefusalReason.KEY_CAP_EXCEEDED, Texts.keyCapExceeded(request.keyName(),
                            request.keyDailyCapNanos(), RedisReplies.keyUsed(keyReply), day), null)
                    : decision;
            return undone.handle((done, undoFailure) -> answer).thenCompose(decided -> decided == null
                    ? CompletableFuture.<BudgetDecision>failedFuture(failure)
                    : CompletableFuture.completedFuture(decided));
        }).thenCompose(decided -> decided)).thenCompose(decided -> decided);
    }

    /** Undoes a reserve in the loop: its hold, its step and its repeat. */
    private CompletableFuture<List<Object>> cancel(Redis redis, String loopId, String id, String requestHash, long now) {
        return LedgerScript.LOOP.run(redis.commands(), keys.loopKeys(loopId), keys.loopArgs(loopId, now,
                BudgetLimits.NONE, "cancel", "", "", "", requestHash == null ? "" : requestHash, "", id));
    }

    private CompletableFuture<List<Object>> releaseKeyCap(Redis redis, String keyName, String day, String id) {
        return LedgerScript.KEY.run(redis.commands(), new String[] {keys.keyDay(keyName, day)}, "release", id);
    }

    private CompletionStage<LoopStatus> adminOperation(String loopId, long now, String op, String reason, String by,
            String override) {
        Checks.loopId(loopId);
        return ledger().thenCompose(redis -> register(redis, loopId).thenCombine(
                loopOperation(redis, loopId, now, op, Codec.escape(Objects.requireNonNullElse(reason, "")),
                        Codec.escape(Objects.requireNonNullElse(by, "")), override),
                (registered, status) -> status));
    }

    private CompletableFuture<LoopStatus> loopOperation(Redis redis, String loopId, long now, String op, String reason,
            String by, String override) {
        return LedgerScript.LOOP.run(redis.commands(), keys.loopKeys(loopId),
                keys.loopArgs(loopId, now, BudgetLimits.NONE, op, reason, by, override))
                .thenApply(reply -> RedisReplies.status(loopId, reply));
    }

    /**
     * Adds the loop to the loops set the first time this instance sees it, sent alongside the
     * operation (no extra round trip). A failure only means it is sent again next time.
     */
    private CompletableFuture<Void> register(Redis redis, String loopId) {
        if (registered.contains(loopId)) {
            return CompletableFuture.completedFuture(null);
        }
        return redis.commands().sadd(keys.loops(), loopId).toCompletableFuture()
                .handle((added, failure) -> {
                    if (failure == null) {
                        if (registered.size() >= REGISTERED_MEMORY) {
                            registered.clear();
                        }
                        registered.add(loopId);
                    }
                    return null;
                });
    }

    /** Redis known to hold the ledger; waits for a check or rebuild under way. */
    private CompletableFuture<Redis> ledger() {
        return verified().thenApply(Verified::redis);
    }

    private CompletableFuture<Verified> verified() {
        return connected.get().thenCompose(redis -> redis.epoch().verified().thenApply(epoch -> verifiedIn(redis, epoch)));
    }

    /** As {@link #verified()}, but fails with {@link LedgerRebuildingException} during a long or failed rebuild. */
    private CompletableFuture<Verified> verifiedNow() {
        return connected.get().thenCompose(redis -> redis.epoch().verifiedNow().thenApply(epoch -> verifiedIn(redis, epoch)));
    }

    /** A new epoch is a new Redis ledger: the loops this instance added to the loops set are to be added again. */
    private Verified verifiedIn(Redis redis, String epoch) {
        if (!epoch.equals(lastEpoch)) {
            registered.clear();
            lastEpoch = epoch;
        }
        return new Verified(redis, epoch);
    }

    private CompletableFuture<Redis> connect() {
        return link.connect()
                .thenCompose(connection -> LedgerScript.preloadAll(connection.commands())
                        .thenApply(loaded -> new Redis(connection, new LedgerEpoch(connection.commands(), keys, history, clock)))
                        .whenComplete((open, failure) -> {
                            if (failure != null) {
                                connection.closeAsync();
                            }
                        }))
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(link.unusable("budget ledger", failure)));
    }

    /** Milliseconds from {@code now} until {@code expireAt}, at least 1: key TTLs are set relative to the gateway's clock. */
    private static String keepFor(long expireAt, long now) {
        return Long.toString(Math.max(1, expireAt - now));
    }
}

package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.LedgerHistory;
import dev.loopgate.budgets.ledger.LedgerRebuildingException;
import dev.loopgate.budgets.ledger.LedgerSnapshot;
import dev.loopgate.budgets.ledger.LoopHistory;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the Redis behind a ledger still holds it. Redis restarted without persistence, or
 * flushed, comes back empty, and every loop would start again from zero spent. The marker
 * ({@link RedisKeys#epoch()}) is written when the ledger is created or rebuilt; when it is
 * missing, one replica takes the rebuild lock, writes every loop back from the
 * {@link LedgerHistory} and then a new epoch, while every replica holds settles until the
 * epoch is known and reserves for a few seconds, then refuses them with
 * {@link LedgerRebuildingException}.
 *
 * <p>The marker is checked when an operation first needs it after the connection (re)opened,
 * and again in the background at most once a second while operations flow, so a flush is seen
 * within about a second. Thread-safe; never blocks.
 */
public final class LedgerEpoch {
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How soon a failed check may be tried again: Redis may be back within the reconnect delay. */
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How soon a failed rebuild (its history could not be read) is tried again. */
    private static final long REBUILD_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long WAIT_MILLIS = 200;
    /** How long a reserve waits for a rebuild under way before it is refused. */
    public static final Duration REBUILD_WAIT = Duration.ofSeconds(5);
    private static final String LOCK_TTL_MILLIS = Long.toString(TimeUnit.MINUTES.toMillis(2));
    private static final String RESTORED = "rebuilt from the audit store after Redis lost the ledger";

    private final RedisClusterAsyncCommands<String, String> commands;
    private final RedisKeys keys;
    private final LedgerHistory history;
    private final Clock clock;
    private final String owner = Ids.epoch();
    private final AtomicReference<Check> current = new AtomicReference<>();
    private final AtomicBoolean rechecking = new AtomicBoolean();
    private final AtomicBoolean rebuildRunning = new AtomicBoolean();
    private volatile boolean rebuilding;
    private volatile long checkedNanos;

    /**
     * One check of the marker: completes with the epoch, or fails with why it could not tell;
     * a failed one is replaced by the first operation after {@code retryNanos}.
     */
    private static final class Check {
        final CompletableFuture<String> epoch = new CompletableFuture<>();
        final long startedNanos;
        volatile long retryNanos = RETRY_NANOS;

        Check(long startedNanos) {
            this.startedNanos = startedNanos;
        }

        CompletableFuture<String> epoch() {
            return epoch;
        }
    }

    public LedgerEpoch(RedisClusterAsyncCommands<String, String> commands, RedisKeys keys,
            LedgerHistory history, Clock clock) {
        this.commands = commands;
        this.keys = keys;
        this.history = history;
        this.clock = clock;
    }

    /** The ledger's epoch; waits for a check or a rebuild under way. */
    public CompletableFuture<String> verified() {
        Check check = current.get();
        long now = System.nanoTime();
        if (check == null || check.epoch().isCompletedExceptionally() && now - check.startedNanos > check.retryNanos) {
            Check next = new Check(now);
            if (current.compareAndSet(check, next)) {
                run(next);
                return next.epoch();
            }
            return verified(); // another caller started a check, or a disconnect cleared it, meanwhile
        }
        if (check.epoch().isDone() && !check.epoch().isCompletedExceptionally() && now - checkedNanos > RECHECK_NANOS
                && rechecking.compareAndSet(false, true)) {
            recheck(check);
        }
        return check.epoch();
    }

    /**
     * As {@link #verified()}, but during a rebuild waits at most {@link #REBUILD_WAIT} and then
     * fails with {@link LedgerRebuildingException}, as it does at once after a rebuild failed.
     */
    public CompletableFuture<String> verifiedNow() {
        CompletableFuture<String> epoch = verified();
        if (!rebuilding || epoch.isDone() && !epoch.isCompletedExceptionally()) {
            return epoch;
        }
        return epoch.copy().orTimeout(REBUILD_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(new LedgerRebuildingException(
                        "budget ledger: Redis lost the ledger and it is being rebuilt from the audit store;"
                                + " reserves are refused until it is")));
    }

    /** The connection closed or reopened: Redis may have restarted, so the next operation checks again. */
    public void invalidate() {
        current.set(null);
    }

    private void run(Check check) {
        LedgerScript.EPOCH.run(commands, markerKeys(), "check", owner, LOCK_TTL_MILLIS).whenComplete((reply, failure) -> {
            if (failure != null) {
                check.epoch().completeExceptionally(failure);
            } else {
                answer(check, (String) reply.get(0), reply.size() > 1 ? (String) reply.get(1) : null);
            }
        });
    }

    private void answer(Check check, String outcome, String epoch) {
        switch (outcome) {
            case "epoch" -> known(check, epoch);
            case "rebuild" -> {
                rebuilding = true;
                if (!rebuildRunning.compareAndSet(false, true)) {
                    // this instance's own rebuild is still under way: wait for its epoch like anyone else
                    answer(check, "wait", null);
                    return;
                }
                rebuild().whenComplete((rebuilt, failure) -> {
                    rebuildRunning.set(false);
                    if (failure == null) {
                        known(check, rebuilt);
                    } else {
                        LedgerScript.EPOCH.run(commands, markerKeys(), "release", owner, "");
                        check.retryNanos = REBUILD_RETRY_NANOS;
                        check.epoch().completeExceptionally(failure);
                    }
                });
            }
            case "wait" -> {
                rebuilding = true;
                CompletableFuture.delayedExecutor(WAIT_MILLIS, TimeUnit.MILLISECONDS).execute(() -> run(check));
            }
            default -> check.epoch().completeExceptionally(new IllegalStateException(
                    "budget ledger: unexpected reply to the epoch check: " + outcome));
        }
    }

    private void known(Check check, String epoch) {
        checkedNanos = System.nanoTime();
        rebuilding = false;
        check.epoch().complete(epoch);
    }

    /** Reads the marker without taking the lock; a missing or changed one makes the next operation check again. */
    private void recheck(Check verified) {
        LedgerScript.EPOCH.run(commands, markerKeys(), "peek", owner, "").whenComplete((reply, failure) -> {
            rechecking.set(false);
            if (failure != null) {
                return;
            }
            if ("epoch".equals(reply.get(0)) && reply.get(1).equals(verified.epoch().getNow(null))) {
                checkedNanos = System.nanoTime();
                return;
            }
            if ("missing".equals(reply.get(0))) {
                rebuilding = true;
            }
            current.compareAndSet(verified, null);
        });
    }

    /** Writes every loop and key back from the history, then the new epoch; fails if another replica took over. */
    private CompletableFuture<String> rebuild() {
        long now = clock.millis();
        String epoch = Ids.epoch();
        return history.read(now).toCompletableFuture()
                .thenCompose(snapshot -> restore(snapshot, now)
                        .thenCompose(restored -> LedgerScript.EPOCH.run(commands, markerKeys(), "commit", owner, epoch))
                        .thenApply(reply -> {
                            if (!"epoch".equals(reply.get(0))) {
                                throw new IllegalStateException("budget ledger: the rebuild took longer than its lock");
                            }
                            history.restored(snapshot, epoch, now);
                            return epoch;
                        }));
    }

    private CompletableFuture<Void> restore(LedgerSnapshot snapshot, long now) {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        List<String> loopIds = new ArrayList<>(snapshot.loops().size());
        for (LoopHistory loop : snapshot.loops()) {
            loopIds.add(loop.loopId());
            String[] args = keys.loopArgs(loop.loopId(), now, BudgetLimits.NONE,
                    Long.toString(loop.total().nanos()), Long.toString(loop.total().tokens()),
                    Long.toString(loop.today().nanos()), Long.toString(loop.today().tokens()),
                    Long.toString(loop.thisMonth().nanos()), Long.toString(loop.thisMonth().tokens()),
                    Long.toString(loop.steps()), Long.toString(loop.firstCallMillis()),
                    loop.pausedBy() == null ? "" : loop.pausedBy().breaker().name() + "|" + loop.pausedBy().atMillis()
                            + "|" + Codec.escape(loop.pausedBy().reason()),
                    loop.override() == null ? "" : Codec.override(loop.override()), RESTORED);
            writes.add(LedgerScript.RESTORE.run(commands, keys.loopKeys(loop.loopId()), args));
        }
        if (!loopIds.isEmpty()) {
            writes.add(commands.sadd(keys.loops(), loopIds.toArray(String[]::new)).toCompletableFuture());
        }
        String today = Buckets.day(now);
        long keepMillis = Math.max(1, RedisKeys.keyDayExpireAt(today) - now);
        for (Map.Entry<String, Long> key : snapshot.keySpentTodayNanos().entrySet()) {
            String dayKey = keys.keyDay(key.getKey(), today);
            writes.add(commands.hset(dayKey, Map.of("spent", Long.toString(key.getValue()), "reserved", "0"))
                    .thenCompose(set -> commands.pexpire(dayKey, keepMillis)).toCompletableFuture());
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    private String[] markerKeys() {
        return new String[] {keys.epoch(), keys.rebuildLock()};
    }
}

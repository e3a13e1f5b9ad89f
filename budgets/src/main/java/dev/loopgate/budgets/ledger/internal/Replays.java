package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.Trip;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a local slice charged and tripped while the primary ledger failed, queued until the
 * primary takes it. One replay runs at a time; it takes the queue in order and drops each item
 * only once the primary acknowledged it, so each reaches the primary exactly once; a failure
 * stops it and leaves the rest for the next run.
 */
public final class Replays {
    private static final System.Logger LOG = System.getLogger(Replays.class.getName());

    /** One local charge: spend to add to the loop's bucket in the primary. */
    public record Charge(String loopId, String bucket, long nanos, long tokens, BudgetLimits limits) {
    }

    private record Tripped(Trip trip) {
    }

    /** A queued item and its number in the spool. */
    private record Entry(long seq, Object item) {
    }

    private final Function<Charge, CompletionStage<Trip>> charger;
    private final Function<Trip, CompletionStage<?>> pauser;
    private final Runnable onDrained;
    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong seq = new AtomicLong();
    private final ReplaySpool spool;
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicReference<CompletableFuture<Integer>> running = new AtomicReference<>();
    private volatile Consumer<Trip> onTrip = trip -> {
    };

    /**
     * @param charger   charges the primary; completes with the trip it caused, or null
     * @param pauser    records in the primary a trip the slice made
     * @param onDrained run when a replay found the queue empty
     */
    public Replays(Function<Charge, CompletionStage<Trip>> charger, Function<Trip, CompletionStage<?>> pauser,
            Runnable onDrained) {
        this(charger, pauser, onDrained, null);
    }

    /**
     * As above, the queue also kept in {@code spoolDir} (null: in memory only): what an earlier run
     * of this replica left there is queued first.
     */
    public Replays(Function<Charge, CompletionStage<Trip>> charger, Function<Trip, CompletionStage<?>> pauser,
            Runnable onDrained, Path spoolDir) {
        this.charger = charger;
        this.pauser = pauser;
        this.onDrained = onDrained;
        List<Object> left = new ArrayList<>();
        this.spool = spoolDir == null ? null : ReplaySpool.open(spoolDir, left);
        for (Object item : left) { // the spool numbered them 1, 2, ... in this order, as enqueue does
            queue.add(new Entry(seq.incrementAndGet(), item instanceof Trip trip ? new Tripped(trip) : item));
            size.incrementAndGet();
        }
    }

    /** Who is told of the trips replayed charges cause. */
    public void onTrip(Consumer<Trip> listener) {
        this.onTrip = Objects.requireNonNull(listener, "listener");
    }

    public void addCharge(Charge charge) {
        enqueue(charge);
    }

    public void addTrip(Trip trip) {
        enqueue(new Tripped(trip));
    }

    /** Stops writing to the spool (what is queued stays there for the next run). */
    public void close() {
        if (spool != null) {
            spool.close();
        }
    }

    private void enqueue(Object item) {
        Entry entry = new Entry(seq.incrementAndGet(), item);
        if (spool != null) {
            spool.added(entry.seq(), item instanceof Tripped tripped ? tripped.trip() : item);
        }
        queue.add(entry);
        size.incrementAndGet();
    }

    public int pending() {
        return size.get();
    }

    /** Starts a replay, or returns the one running; completes with how many items are left. */
    public CompletableFuture<Integer> run() {
        CompletableFuture<Integer> mine = new CompletableFuture<>();
        CompletableFuture<Integer> current = running.compareAndExchange(null, mine);
        if (current != null) {
            return current;
        }
        replayFrom(mine);
        return mine;
    }

    private void replayFrom(CompletableFuture<Integer> done) {
        while (true) {
            Entry next = queue.peek();
            if (next == null) {
                onDrained.run();
                finish(done);
                if (!queue.isEmpty()) {
                    run(); // added after this run looked: not left waiting for the next trigger
                }
                return;
            }
            CompletableFuture<Trip> step = start(next.item());
            if (!step.isDone()) {
                step.whenComplete((trip, failure) -> {
                    if (acknowledged(trip, failure)) {
                        replayFrom(done);
                    } else {
                        finish(done);
                    }
                });
                return;
            }
            Trip trip = null;
            Throwable failure = null;
            try {
                trip = step.join();
            } catch (RuntimeException e) {
                failure = e;
            }
            if (!acknowledged(trip, failure)) {
                finish(done);
                return;
            }
        }
    }

    private CompletableFuture<Trip> start(Object item) {
        try {
            if (item instanceof Charge charge) {
                return charger.apply(charge).toCompletableFuture();
            }
            return pauser.apply(((Tripped) item).trip()).thenApply(status -> (Trip) null).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Drops the head once the primary took it (only the one running replay removes items). */
    private boolean acknowledged(Trip trip, Throwable failure) {
        if (failure != null) {
            return false;
        }
        Entry taken = queue.poll();
        size.decrementAndGet();
        if (spool != null && taken != null) {
            spool.acknowledged(taken.seq());
        }
        if (trip != null) {
            try {
                onTrip.accept(trip);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the trip listener failed on " + trip, e);
            }
        }
        return true;
    }

    private void finish(CompletableFuture<Integer> done) {
        running.set(null);
        done.complete(size.get());
    }
}

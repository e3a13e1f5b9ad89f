package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.Trip;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
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

    private final Function<Charge, CompletionStage<Trip>> charger;
    private final Function<Trip, CompletionStage<?>> pauser;
    private final Runnable onDrained;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
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
        this.charger = charger;
        this.pauser = pauser;
        this.onDrained = onDrained;
    }

    /** Who is told of the trips replayed charges cause. */
    public void onTrip(Consumer<Trip> listener) {
        this.onTrip = Objects.requireNonNull(listener, "listener");
    }

    public void addCharge(Charge charge) {
        queue.add(charge);
        size.incrementAndGet();
    }

    public void addTrip(Trip trip) {
        queue.add(new Tripped(trip));
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
            Object next = queue.peek();
            if (next == null) {
                onDrained.run();
                finish(done);
                if (!queue.isEmpty()) {
                    run(); // added after this run looked: not left waiting for the next trigger
                }
                return;
            }
            CompletableFuture<Trip> step = start(next);
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
        queue.poll();
        size.decrementAndGet();
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

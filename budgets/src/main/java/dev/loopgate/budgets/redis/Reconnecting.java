package dev.loopgate.budgets.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Something opened on Redis (a connection, with whatever it needs loaded) when first needed,
 * and opened again by the first caller after an attempt failed, at most once per
 * {@link #RETRY_PAUSE_NANOS}. So a part can start while Redis is down and join when it is back;
 * meanwhile callers fail fast with the last attempt's reason. Once open, Lettuce keeps the
 * connection itself (reconnecting as it drops). Thread-safe; never blocks.
 */
public final class Reconnecting<T> {
    static final long RETRY_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Supplier<CompletableFuture<T>> open;
    private final AtomicReference<Attempt<T>> attempt = new AtomicReference<>();
    private volatile boolean closed;

    private record Attempt<T>(CompletableFuture<T> result, long startedNanos) {
    }

    /** Starts the first attempt now. */
    public Reconnecting(Supplier<CompletableFuture<T>> open) {
        this.open = open;
        attempt.set(start());
    }

    /** What is open, or the attempt under way; a failed attempt older than the pause is made again. */
    public CompletableFuture<T> get() {
        Attempt<T> current = attempt.get();
        if (!closed && current.result().isCompletedExceptionally()
                && System.nanoTime() - current.startedNanos() > RETRY_PAUSE_NANOS) {
            attempt.compareAndSet(current, start());
            return attempt.get().result();
        }
        return current.result();
    }

    /** What is open now, if anything (for closing it). */
    public T opened() {
        CompletableFuture<T> result = attempt.get().result();
        return result.isDone() && !result.isCompletedExceptionally() ? result.join() : null;
    }

    /** No attempt is made after this; returns what was opened (or is being opened), for the caller to close. */
    public CompletableFuture<T> close() {
        closed = true;
        return attempt.get().result();
    }

    private Attempt<T> start() {
        CompletableFuture<T> result;
        try {
            result = open.get();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return new Attempt<>(result, System.nanoTime());
    }
}

package dev.loopgate.budgets.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Bounded waits for tests: never a bare sleep, never forever. */
public final class Await {
    public static final Duration LIMIT = Duration.ofSeconds(10);

    private Await() {
    }

    /** The stage's result; fails the test if it fails or takes longer than {@link #LIMIT}. */
    public static <T> T result(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the stage failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            return fail("no result within " + LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    /** The failure of a stage expected to fail within {@link #LIMIT}. */
    public static Throwable failure(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            return fail("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return fail("no result within " + LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    /** Waits until {@code condition} holds, checking every few milliseconds; fails after {@link #LIMIT}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, LIMIT.toMillis());
    }

    /** As {@link #until(String, BooleanSupplier)}, for up to {@code limitMillis} (starting a server, a failover). */
    public static void until(String what, BooleanSupplier condition, long limitMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("still not true after " + limitMillis + " ms: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}

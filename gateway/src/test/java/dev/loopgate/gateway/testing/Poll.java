package dev.loopgate.gateway.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for something another thread makes true, up to a deadline; never a fixed sleep. */
public final class Poll {
    /** Every wait in the suite is bounded by this unless a test says otherwise. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private Poll() {
    }

    /** True as soon as the condition holds, false when the deadline passes first. */
    public static boolean until(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The first non-empty value the supplier gives within the timeout; fails with {@code what} otherwise. */
    public static <T> T forValue(Duration timeout, Supplier<Optional<T>> supplier, String what) {
        Object[] found = new Object[1];
        boolean ok = until(timeout, () -> {
            Optional<T> value = supplier.get();
            value.ifPresent(v -> found[0] = v);
            return value.isPresent();
        });
        if (!ok) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
        }
        @SuppressWarnings("unchecked")
        T value = (T) found[0];
        return value;
    }
}

package dev.loopgate.gateway.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock moved by an offset a test sets, so traffic can be sent "on" past days and
 * land in the audit there, while time still runs. Shift 0 is the real time.
 */
public final class ShiftedClock extends Clock {
    private final AtomicReference<Duration> shift = new AtomicReference<>(Duration.ZERO);

    public void shift(Duration by) {
        shift.set(by);
    }

    /** Back to the real time. */
    public void reset() {
        shift.set(Duration.ZERO);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the gateway reads UTC");
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(shift.get());
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + shift.get().toMillis();
    }
}

package dev.loopgate.budgets.ratelimit.internal;

import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/** Bucket4j's time source read from a {@link Clock}, so tests can move time by hand. */
public final class ClockTimeMeter implements TimeMeter {
    private final Clock clock;

    public ClockTimeMeter(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public long currentTimeNanos() {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
    }

    /** Wall clock: replicas sharing buckets through Redis compute refill from their own clocks. */
    @Override
    public boolean isWallClockBased() {
        return true;
    }
}

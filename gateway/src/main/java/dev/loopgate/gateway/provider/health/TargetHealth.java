package dev.loopgate.gateway.provider.health;

import dev.loopgate.gateway.config.HealthConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;

/**
 * The health breaker of one provider+model target. Outcomes are counted in a window
 * sliding in ten buckets; once at least {@code minCalls} were counted and the failed
 * share reaches {@code errorRate}, the breaker opens. After {@code coolDown} the next
 * call is the one probe of a half-open breaker: its success closes the breaker (with an
 * empty window), its failure opens it again. Shared by every event loop: each method
 * holds this object's lock for a few field updates, never for I/O.
 */
final class TargetHealth {
    static final int BUCKETS = 10;

    private final String provider;
    private final String model;
    private final HealthConfig config;
    private final Clock clock;
    private final long bucketMillis;
    private final long[] bucketIndex = new long[BUCKETS];
    private final int[] calls = new int[BUCKETS];
    private final int[] failures = new int[BUCKETS];

    private BreakerState state = BreakerState.CLOSED;
    private long openedAtMillis;
    private boolean probing;
    /** Changes whenever the state does, so a permit from an earlier state cannot move this one. */
    private long generation;

    TargetHealth(String provider, String model, HealthConfig config, Clock clock) {
        this.provider = provider;
        this.model = model;
        this.config = config;
        this.clock = clock;
        this.bucketMillis = Math.max(1, config.window().toMillis() / BUCKETS);
        Arrays.fill(bucketIndex, Long.MIN_VALUE);
    }

    synchronized Permit acquire() {
        switch (state) {
            case CLOSED:
                return new Permit(this, Permit.Kind.NORMAL, generation);
            case OPEN:
                if (clock.millis() - openedAtMillis < config.coolDown().toMillis()) {
                    return Permit.DENIED;
                }
                moveTo(BreakerState.HALF_OPEN);
                probing = true;
                return new Permit(this, Permit.Kind.PROBE, generation);
            default:
                if (probing) {
                    return Permit.DENIED;
                }
                probing = true;
                return new Permit(this, Permit.Kind.PROBE, generation);
        }
    }

    /** A call let through although the breaker is not closed, because every other target is unavailable too. */
    synchronized Permit force() {
        return new Permit(this, state == BreakerState.CLOSED ? Permit.Kind.NORMAL : Permit.Kind.FORCED, generation);
    }

    synchronized void report(Permit permit, Outcome outcome) {
        if (permit.generation() != generation) {
            return; // the call began before the breaker last changed state; it says nothing about this one
        }
        long now = clock.millis();
        switch (permit.kind()) {
            case NORMAL -> {
                if (state == BreakerState.CLOSED && outcome != Outcome.IGNORED) {
                    count(now, outcome == Outcome.FAILURE);
                    if (shouldOpen(now)) {
                        open(now);
                    }
                }
            }
            case PROBE, FORCED -> {
                if (outcome == Outcome.SUCCESS) {
                    moveTo(BreakerState.CLOSED);
                    Arrays.fill(bucketIndex, Long.MIN_VALUE);
                } else if (outcome == Outcome.FAILURE) {
                    open(now);
                } else if (permit.kind() == Permit.Kind.PROBE) {
                    probing = false; // the probe learned nothing: the next call probes instead
                }
            }
            default -> throw new IllegalStateException("a denied permit reports nothing");
        }
    }

    /** Opened longest ago first; a closed breaker sorts before any open one. */
    synchronized long openedAtMillis() {
        return state == BreakerState.CLOSED ? Long.MIN_VALUE : openedAtMillis;
    }

    synchronized TargetSnapshot snapshot() {
        long now = clock.millis();
        long[] counted = window(now);
        double rate = counted[0] == 0 ? 0 : (double) counted[1] / counted[0];
        Instant openedAt = state == BreakerState.CLOSED ? null : Instant.ofEpochMilli(openedAtMillis);
        Instant nextProbe = state == BreakerState.OPEN
                ? Instant.ofEpochMilli(openedAtMillis + config.coolDown().toMillis()) : null;
        return new TargetSnapshot(provider, model, state, counted[0], counted[1], rate, config.window(), openedAt,
                nextProbe);
    }

    private void open(long now) {
        moveTo(BreakerState.OPEN);
        openedAtMillis = now;
    }

    private void moveTo(BreakerState next) {
        state = next;
        probing = false;
        generation++;
    }

    private void count(long now, boolean failed) {
        long index = now / bucketMillis;
        int slot = (int) Math.floorMod(index, (long) BUCKETS);
        if (bucketIndex[slot] != index) {
            bucketIndex[slot] = index;
            calls[slot] = 0;
            failures[slot] = 0;
        }
        calls[slot]++;
        if (failed) {
            failures[slot]++;
        }
    }

    private boolean shouldOpen(long now) {
        long[] counted = window(now);
        return counted[0] >= config.minCalls() && counted[1] >= config.errorRate() * counted[0];
    }

    /** Calls and failures in the buckets of the last window, the current one included. */
    private long[] window(long now) {
        long current = now / bucketMillis;
        long total = 0;
        long failed = 0;
        for (int slot = 0; slot < BUCKETS; slot++) {
            long index = bucketIndex[slot];
            if (index != Long.MIN_VALUE && index > current - BUCKETS && index <= current) {
                total += calls[slot];
                failed += failures[slot];
            }
        }
        return new long[] {total, failed};
    }
}

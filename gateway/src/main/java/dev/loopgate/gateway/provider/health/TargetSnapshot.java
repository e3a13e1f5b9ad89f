package dev.loopgate.gateway.provider.health;

import java.time.Duration;
import java.time.Instant;

/**
 * One target's health at one moment, for the admin API and metrics.
 *
 * @param calls calls counted in the current window (successes and failures; ignored outcomes are not counted)
 * @param errorRate {@code failures / calls}, 0 when there were no calls
 * @param openedAt when the breaker last opened, while it is open or half-open; else null
 * @param nextProbeAt when an open breaker lets its probe through; null unless open
 */
public record TargetSnapshot(String provider, String model, BreakerState state, long calls, long failures,
        double errorRate, Duration window, Instant openedAt, Instant nextProbeAt) {
}

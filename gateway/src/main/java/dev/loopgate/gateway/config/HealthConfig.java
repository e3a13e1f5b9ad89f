package dev.loopgate.gateway.config;

import java.time.Duration;

/**
 * When a target's health breaker opens: at least {@code minCalls} calls in the last
 * {@code window}, of which a share of at least {@code errorRate} failed in a way that
 * says the provider is unwell. It stays open for {@code coolDown}, then lets one probe
 * call through. See {@code docs/failover.md}.
 */
public record HealthConfig(Duration window, int minCalls, double errorRate, Duration coolDown) {
    public static final HealthConfig DEFAULTS = new HealthConfig(Duration.ofSeconds(30), 10, 0.5, Duration.ofSeconds(15));

    public HealthConfig {
        if (window.toMillis() < 1 || minCalls < 1 || !(errorRate > 0 && errorRate <= 1) || coolDown.toMillis() < 1) {
            throw new IllegalArgumentException("window and coolDown must be positive, minCalls at least 1,"
                    + " errorRate in (0, 1]; got " + window + ", " + minCalls + ", " + errorRate + ", " + coolDown);
        }
    }
}

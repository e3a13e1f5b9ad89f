package dev.loopgate.gateway.config;

import java.time.Duration;

/**
 * How the simulated provider behaves: delay before its first byte, pause between
 * streamed chunks, and the share of calls answered with a 503.
 */
public record SimulatedOptions(Duration latency, Duration chunkInterval, double failureRate) {
    public static final SimulatedOptions DEFAULTS =
            new SimulatedOptions(Duration.ofMillis(20), Duration.ofMillis(5), 0.0);
}

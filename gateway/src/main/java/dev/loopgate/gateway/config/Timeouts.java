package dev.loopgate.gateway.config;

import java.time.Duration;

/**
 * Upstream time limits: to open a connection, to the response's first byte, between
 * two body chunks, and for the whole call.
 */
public record Timeouts(Duration connect, Duration firstByte, Duration idle, Duration total) {
    public static final Timeouts DEFAULTS = new Timeouts(
            Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofSeconds(60), Duration.ofMinutes(10));
}

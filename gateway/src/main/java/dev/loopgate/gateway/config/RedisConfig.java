package dev.loopgate.gateway.config;

/**
 * The shared store replicas coordinate through. {@code namespace} starts every key and
 * channel, so several gateway clusters (or test runs) can share one Redis.
 */
public record RedisConfig(String url, String namespace) {
    public static final String DEFAULT_NAMESPACE = "lg";
}

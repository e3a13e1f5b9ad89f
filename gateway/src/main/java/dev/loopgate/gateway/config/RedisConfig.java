package dev.loopgate.gateway.config;

import dev.loopgate.budgets.redis.RedisEndpoint;

/**
 * The shared store replicas coordinate through: a single node, a Sentinel-watched master or a
 * Cluster ({@link RedisEndpoint}, which never prints a password). {@code namespace} starts every
 * key and channel, so several gateway clusters (or test runs) can share one Redis.
 */
public record RedisConfig(RedisEndpoint endpoint, String namespace) {
    public static final String DEFAULT_NAMESPACE = "lg";
}

package dev.loopgate.gateway.config;

import java.time.Duration;

/**
 * How often one target is tried again before the next one is: {@code maxAttempts}
 * counts the first try, so 1 never retries. Retries wait with exponential backoff and
 * full jitter, between 0 and {@code min(maxDelay, baseDelay * 2^(retry-1))}; a 429's
 * {@code Retry-After} is waited for instead when it is at most {@code maxRetryAfter},
 * and a longer one sends the call to the next target. See {@code docs/failover.md}.
 */
public record RetryConfig(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxRetryAfter) {
    public static final RetryConfig DEFAULTS = new RetryConfig(
            2, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5));
    /** Attempts of one call over all its targets, retries included, unless {@code retry.max_total_attempts} says otherwise. */
    public static final int DEFAULT_MAX_TOTAL_ATTEMPTS = 6;

    public RetryConfig {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("delays must be non-negative and maxDelay >= baseDelay");
        }
    }
}

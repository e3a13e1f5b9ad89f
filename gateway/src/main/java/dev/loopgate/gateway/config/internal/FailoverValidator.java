package dev.loopgate.gateway.config.internal;

import dev.loopgate.gateway.config.HealthConfig;
import dev.loopgate.gateway.config.RetryConfig;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawHealthConfig;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawRetryConfig;
import java.time.Duration;

/**
 * Checks {@code retry:} and {@code health:}, at the top level and under each provider;
 * part of {@link ConfigValidator}. A provider's section overrides the top-level one
 * field by field, and the top-level one the built-in defaults.
 */
final class FailoverValidator {
    static final int MAX_ATTEMPTS = 10;
    static final int MAX_TOTAL_ATTEMPTS = 50;
    static final int MAX_MIN_CALLS = 1_000_000;
    /** The health window is kept in ten buckets; shorter windows would count nothing. */
    static final Duration MIN_WINDOW = Duration.ofSeconds(1);

    private final Problems problems;

    FailoverValidator(Problems problems) {
        this.problems = problems;
    }

    /** {@code retry.max_total_attempts}, which only the top-level section may set. */
    int maxTotalAttempts(RawRetryConfig raw) {
        if (raw == null || raw.maxTotalAttempts() == null) {
            return RetryConfig.DEFAULT_MAX_TOTAL_ATTEMPTS;
        }
        int value = raw.maxTotalAttempts();
        if (value < 1 || value > MAX_TOTAL_ATTEMPTS) {
            problems.add("retry.max_total_attempts", "must be between 1 and " + MAX_TOTAL_ATTEMPTS + ", got " + value);
            return RetryConfig.DEFAULT_MAX_TOTAL_ATTEMPTS;
        }
        return value;
    }

    /**
     * @param path {@code retry} or {@code providers.X.retry}
     * @param inherited what fields not given here take
     */
    RetryConfig retry(RawRetryConfig raw, String path, RetryConfig inherited) {
        if (raw == null) {
            return inherited;
        }
        if (!path.equals("retry") && raw.maxTotalAttempts() != null) {
            problems.add(Problems.field(path, "max_total_attempts"),
                    "only allowed in the top-level retry section (it bounds a whole call, over every target)");
        }
        int maxAttempts = inherited.maxAttempts();
        if (raw.maxAttempts() != null) {
            if (raw.maxAttempts() < 1 || raw.maxAttempts() > MAX_ATTEMPTS) {
                problems.add(Problems.field(path, "max_attempts"), "must be between 1 (no retry) and " + MAX_ATTEMPTS
                        + ", got " + raw.maxAttempts());
            } else {
                maxAttempts = raw.maxAttempts();
            }
        }
        Duration baseDelay = duration(raw.baseDelay(), Problems.field(path, "base_delay"), inherited.baseDelay(), true);
        Duration maxDelay = duration(raw.maxDelay(), Problems.field(path, "max_delay"), inherited.maxDelay(), true);
        Duration maxRetryAfter = duration(raw.maxRetryAfter(), Problems.field(path, "max_retry_after"),
                inherited.maxRetryAfter(), true);
        if (maxDelay.compareTo(baseDelay) < 0) {
            problems.add(Problems.field(path, raw.maxDelay() != null ? "max_delay" : "base_delay"),
                    "max_delay (" + text(maxDelay) + ") must be at least base_delay (" + text(baseDelay) + ")");
            return inherited;
        }
        return new RetryConfig(maxAttempts, baseDelay, maxDelay, maxRetryAfter);
    }

    /**
     * @param path {@code health} or {@code providers.X.health}
     * @param inherited what fields not given here take
     */
    HealthConfig health(RawHealthConfig raw, String path, HealthConfig inherited) {
        if (raw == null) {
            return inherited;
        }
        boolean ok = true;
        Duration window = duration(raw.window(), Problems.field(path, "window"), inherited.window(), false);
        if (window.compareTo(MIN_WINDOW) < 0 && !window.isZero()) {
            ok = problem(Problems.field(path, "window"), "must be at least " + text(MIN_WINDOW) + ", got " + text(window));
        }
        int minCalls = inherited.minCalls();
        if (raw.minCalls() != null) {
            minCalls = raw.minCalls();
            if (minCalls < 1 || minCalls > MAX_MIN_CALLS) {
                ok = problem(Problems.field(path, "min_calls"), "must be between 1 and " + MAX_MIN_CALLS + ", got " + minCalls);
            }
        }
        double errorRate = inherited.errorRate();
        if (raw.errorRate() != null) {
            errorRate = raw.errorRate();
            if (!(errorRate > 0 && errorRate <= 1)) {
                ok = problem(Problems.field(path, "error_rate"),
                        "must be above 0 and at most 1 (a share of failed calls), got " + errorRate);
            }
        }
        Duration coolDown = duration(raw.coolDown(), Problems.field(path, "cool_down"), inherited.coolDown(), false);
        if (!ok || window.isZero() || coolDown.isZero()) {
            return inherited;
        }
        return new HealthConfig(window, minCalls, errorRate, coolDown);
    }

    private Duration duration(String raw, String path, Duration fallback, boolean zeroAllowed) {
        return DurationParser.field(raw, path, fallback, zeroAllowed, problems);
    }

    private boolean problem(String path, String message) {
        problems.add(path, message);
        return false;
    }

    private static String text(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}

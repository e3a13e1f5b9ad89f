package dev.loopgate.gateway.pipeline;

import dev.loopgate.gateway.config.RetryConfig;
import dev.loopgate.gateway.provider.FailureClass;
import dev.loopgate.gateway.provider.UpstreamFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * What happens after one attempt at a target failed: the same target again after a
 * wait, the next target, or an answer to the caller. The table per class is in
 * {@code docs/failover.md}; {@link #actionFor} is that table. Waits are exponential
 * backoff with full jitter, or what a 429's {@code Retry-After} asked for.
 */
public final class RetryPolicy {
    /** The three answers. */
    public enum Action {
        RETRY_SAME_TARGET,
        NEXT_TARGET,
        FAIL
    }

    /** What to do, and for a retry how long to wait first. */
    public record Decision(Action action, Duration delay) {
        static final Decision NEXT = new Decision(Action.NEXT_TARGET, Duration.ZERO);
        static final Decision FAIL = new Decision(Action.FAIL, Duration.ZERO);
    }

    /** A refused connection is tried again once at most, whatever {@code max_attempts} allows. */
    static final int CONNECT_ERROR_RETRIES = 1;

    private final Clock clock;
    private final LongUnaryOperator jitter;

    /**
     * @param clock reads {@code Retry-After} dates
     * @param jitter given a bound {@code n >= 0}, a value in {@code [0, n]}, uniformly
     */
    public RetryPolicy(Clock clock, LongUnaryOperator jitter) {
        this.clock = clock;
        this.jitter = jitter;
    }

    /** Full jitter from {@link ThreadLocalRandom}. */
    public static RetryPolicy withRandomJitter(Clock clock) {
        return new RetryPolicy(clock, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /** The class-by-action table, before limits: what a failure of this class asks for. */
    public static Action actionFor(FailureClass failure) {
        return switch (failure) {
            case CONNECT_ERROR, RATE_LIMITED, SERVER_ERROR -> Action.RETRY_SAME_TARGET;
            case CONNECT_TIMEOUT, FIRST_BYTE_TIMEOUT, IDLE_TIMEOUT, CONNECTION_LOST, PROVIDER_AUTH -> Action.NEXT_TARGET;
            case TOTAL_TIMEOUT, BAD_REQUEST, CONTENT_FILTER -> Action.FAIL;
        };
    }

    /**
     * @param attemptsOnTarget how many attempts this target has had, the failed one included
     */
    public Decision decide(UpstreamFailure failure, RetryConfig config, int attemptsOnTarget) {
        FailureClass failureClass = failure.failureClass();
        Action action = actionFor(failureClass);
        if (action != Action.RETRY_SAME_TARGET) {
            return action == Action.FAIL ? Decision.FAIL : Decision.NEXT;
        }
        int retriesAllowed = config.maxAttempts() - 1;
        if (failureClass == FailureClass.CONNECT_ERROR) {
            retriesAllowed = Math.min(retriesAllowed, CONNECT_ERROR_RETRIES);
        }
        if (attemptsOnTarget > retriesAllowed) {
            return Decision.NEXT;
        }
        if (failureClass == FailureClass.RATE_LIMITED) {
            if (failure.quotaExhausted()) {
                return Decision.NEXT;
            }
            Duration asked = failure.retryAfter();
            if (asked != null) {
                return asked.compareTo(config.maxRetryAfter()) <= 0
                        ? new Decision(Action.RETRY_SAME_TARGET, asked) : Decision.NEXT;
            }
        }
        return new Decision(Action.RETRY_SAME_TARGET, backoff(config, attemptsOnTarget));
    }

    /** Full jitter: uniform in {@code [0, min(maxDelay, baseDelay * 2^(retry-1))]} for the n-th retry. */
    Duration backoff(RetryConfig config, int retry) {
        long base = config.baseDelay().toMillis();
        long cap = config.maxDelay().toMillis();
        int shift = Math.min(Math.max(retry - 1, 0), 30);
        long ceiling = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
        return Duration.ofMillis(jitter.applyAsLong(ceiling));
    }

    /**
     * A {@code Retry-After} value as a wait from now: delay-seconds ({@code 2}) or an HTTP
     * date ({@code Wed, 21 Oct 2015 07:28:00 GMT}; a past date is no wait). Null when
     * absent or unreadable.
     */
    public Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return value.length() > 9 ? Duration.ofSeconds(999_999_999) : Duration.ofSeconds(Long.parseLong(value));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(clock.instant(), at.toInstant());
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException unreadable) {
            return null;
        }
    }
}

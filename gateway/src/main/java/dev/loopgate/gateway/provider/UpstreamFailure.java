package dev.loopgate.gateway.provider;

import java.time.Duration;
import java.util.Objects;

/**
 * One attempt at one target that failed, classified. Raised as an exception only to
 * travel through a {@code Future}; it carries no stack trace.
 *
 * @see FailureClass
 */
public final class UpstreamFailure extends RuntimeException {
    private final FailureClass failureClass;
    private final Duration retryAfter;
    private final boolean quotaExhausted;

    /**
     * @param retryAfter the wait a 429 asked for, or null when it named none
     * @param quotaExhausted a 429 that waiting will not cure
     */
    public UpstreamFailure(FailureClass failureClass, String message, Duration retryAfter, boolean quotaExhausted) {
        super(message, null, false, false);
        this.failureClass = Objects.requireNonNull(failureClass, "failureClass");
        this.retryAfter = retryAfter;
        this.quotaExhausted = quotaExhausted;
    }

    public UpstreamFailure(FailureClass failureClass, String message) {
        this(failureClass, message, null, false);
    }

    /** A failure raised while sending or reading, classified by its kind. */
    public static UpstreamFailure of(UpstreamException e) {
        return new UpstreamFailure(FailureClass.of(e.kind()), e.getMessage());
    }

    public FailureClass failureClass() {
        return failureClass;
    }

    /** The wait a 429 asked for ({@code Retry-After}), or null when it named none or named one unreadable. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public boolean quotaExhausted() {
        return quotaExhausted;
    }
}

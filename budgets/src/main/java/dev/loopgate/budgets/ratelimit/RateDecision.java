package dev.loopgate.budgets.ratelimit;

import java.util.Objects;

/** What {@link RateLimiter#acquire} decided: the call may go, or it must wait. */
public sealed interface RateDecision permits RateDecision.Allowed, RateDecision.Limited {
    /** The shared "go" answer. */
    Allowed ALLOWED = new Allowed();

    /** The call's request and tokens were taken from every bucket that applies. */
    record Allowed() implements RateDecision {
    }

    /**
     * Nothing was taken; the first bucket that refused is named.
     *
     * @param scope            which limit refused, e.g. {@code loop build-7 requests per minute}
     * @param retryAfterMillis how long until that bucket could serve this call (at least 1 ms);
     *                         another bucket may still refuse then
     */
    record Limited(String scope, long retryAfterMillis) implements RateDecision {
        public Limited {
            Objects.requireNonNull(scope, "scope");
            if (retryAfterMillis < 0) {
                throw new IllegalArgumentException("retryAfterMillis must not be negative, was " + retryAfterMillis);
            }
        }
    }
}

package dev.loopgate.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.loopgate.gateway.config.RetryConfig;
import dev.loopgate.gateway.pipeline.RetryPolicy.Action;
import dev.loopgate.gateway.pipeline.RetryPolicy.Decision;
import dev.loopgate.gateway.provider.FailureClass;
import dev.loopgate.gateway.provider.UpstreamFailure;
import dev.loopgate.gateway.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The class-by-action table, its limits, backoff with full jitter, and reading Retry-After. */
class RetryPolicyTest {
    static final RetryConfig CONFIG = new RetryConfig(3, Duration.ofMillis(100), Duration.ofMillis(350),
            Duration.ofSeconds(5));

    final FakeClock clock = new FakeClock(Instant.parse("2026-01-05T10:00:00Z"));
    /** Jitter that always picks the ceiling, so the ceiling itself can be checked. */
    final RetryPolicy highest = new RetryPolicy(clock, bound -> bound);
    final RetryPolicy lowest = new RetryPolicy(clock, bound -> 0);

    @Test
    void everyClassHasItsDocumentedAction() {
        Map<FailureClass, Action> table = new EnumMap<>(FailureClass.class);
        for (FailureClass failure : FailureClass.values()) {
            table.put(failure, RetryPolicy.actionFor(failure));
        }

        assertEquals(Map.ofEntries(
                Map.entry(FailureClass.CONNECT_ERROR, Action.RETRY_SAME_TARGET),
                Map.entry(FailureClass.CONNECT_TIMEOUT, Action.NEXT_TARGET),
                Map.entry(FailureClass.FIRST_BYTE_TIMEOUT, Action.NEXT_TARGET),
                Map.entry(FailureClass.IDLE_TIMEOUT, Action.NEXT_TARGET),
                Map.entry(FailureClass.TOTAL_TIMEOUT, Action.FAIL),
                Map.entry(FailureClass.CONNECTION_LOST, Action.NEXT_TARGET),
                Map.entry(FailureClass.RATE_LIMITED, Action.RETRY_SAME_TARGET),
                Map.entry(FailureClass.SERVER_ERROR, Action.RETRY_SAME_TARGET),
                Map.entry(FailureClass.PROVIDER_AUTH, Action.NEXT_TARGET),
                Map.entry(FailureClass.BAD_REQUEST, Action.FAIL),
                Map.entry(FailureClass.CONTENT_FILTER, Action.FAIL)), table);
    }

    @Test
    void backoffCeilingDoublesPerRetryUpToMaxDelay() {
        assertEquals(Duration.ofMillis(100), highest.backoff(CONFIG, 1));
        assertEquals(Duration.ofMillis(200), highest.backoff(CONFIG, 2));
        assertEquals(Duration.ofMillis(350), highest.backoff(CONFIG, 3));
        assertEquals(Duration.ofMillis(350), highest.backoff(CONFIG, 40));
        assertEquals(Duration.ZERO, lowest.backoff(CONFIG, 2), "full jitter reaches down to no wait");
    }

    @Test
    void serverErrorsAreRetriedUntilMaxAttemptsThenFallBack() {
        UpstreamFailure failure = new UpstreamFailure(FailureClass.SERVER_ERROR, "HTTP 500");

        assertEquals(new Decision(Action.RETRY_SAME_TARGET, Duration.ofMillis(100)), highest.decide(failure, CONFIG, 1));
        assertEquals(new Decision(Action.RETRY_SAME_TARGET, Duration.ofMillis(200)), highest.decide(failure, CONFIG, 2));
        assertEquals(Action.NEXT_TARGET, highest.decide(failure, CONFIG, 3).action());
    }

    @Test
    void aRefusedConnectionIsRetriedOnceWhateverMaxAttemptsAllows() {
        UpstreamFailure failure = new UpstreamFailure(FailureClass.CONNECT_ERROR, "refused");

        assertEquals(Action.RETRY_SAME_TARGET, highest.decide(failure, CONFIG, 1).action());
        assertEquals(Action.NEXT_TARGET, highest.decide(failure, CONFIG, 2).action());
    }

    @Test
    void maxAttemptsOfOneNeverRetries() {
        RetryConfig once = new RetryConfig(1, CONFIG.baseDelay(), CONFIG.maxDelay(), CONFIG.maxRetryAfter());

        assertEquals(Action.NEXT_TARGET,
                highest.decide(new UpstreamFailure(FailureClass.SERVER_ERROR, "HTTP 503"), once, 1).action());
    }

    @Test
    void rateLimitWaitsExactlyForRetryAfterUpToTheMaximum() {
        UpstreamFailure asksTwo = new UpstreamFailure(FailureClass.RATE_LIMITED, "HTTP 429", Duration.ofSeconds(2), false);
        UpstreamFailure asksTen = new UpstreamFailure(FailureClass.RATE_LIMITED, "HTTP 429", Duration.ofSeconds(10), false);
        UpstreamFailure asksNothing = new UpstreamFailure(FailureClass.RATE_LIMITED, "HTTP 429", null, false);
        UpstreamFailure outOfQuota = new UpstreamFailure(FailureClass.RATE_LIMITED, "HTTP 429", Duration.ZERO, true);

        assertEquals(new Decision(Action.RETRY_SAME_TARGET, Duration.ofSeconds(2)), lowest.decide(asksTwo, CONFIG, 1));
        assertEquals(Action.NEXT_TARGET, lowest.decide(asksTen, CONFIG, 1).action());
        assertEquals(new Decision(Action.RETRY_SAME_TARGET, Duration.ofMillis(100)), highest.decide(asksNothing, CONFIG, 1));
        assertEquals(Action.NEXT_TARGET, lowest.decide(outOfQuota, CONFIG, 1).action());
    }

    @Test
    void failuresThatEndTheCallAreNeverRetried() {
        assertEquals(Decision.FAIL, highest.decide(new UpstreamFailure(FailureClass.TOTAL_TIMEOUT, "late"), CONFIG, 1));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertEquals(Duration.ofSeconds(3), highest.retryAfter("3"));
        assertEquals(Duration.ZERO, highest.retryAfter(" 0 "));
        assertEquals(Duration.ofSeconds(90), highest.retryAfter("Mon, 05 Jan 2026 10:01:30 GMT"));
        assertEquals(Duration.ZERO, highest.retryAfter("Mon, 05 Jan 2026 09:00:00 GMT"), "a past date is no wait");
        assertNull(highest.retryAfter(null));
        assertNull(highest.retryAfter("soon"));
        assertNull(highest.retryAfter("-1"));
        assertNull(highest.retryAfter("1.5"));
    }
}

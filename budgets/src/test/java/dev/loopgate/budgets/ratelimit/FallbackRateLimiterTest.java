package dev.loopgate.budgets.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.FakeClock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The contract with a working primary, and the fail-over to a local limiter while the primary fails. */
class FallbackRateLimiterTest extends RateLimiterContract {
    private SwitchableLimiter primary;
    private RateLimiter local;

    @Override
    protected RateLimiter newLimiter(FakeClock clock) {
        primary = new SwitchableLimiter(RateLimiters.local(clock, 1_000));
        local = RateLimiters.local(clock, 1_000);
        return new FallbackRateLimiter(primary, local);
    }

    @Test
    void failingPrimaryFailsOverToLocalBucketsWithTheSameLimits() {
        FallbackRateLimiter fallback = (FallbackRateLimiter) limiter;
        RateLimits twoPerMinute = new RateLimits(2, 0);
        assertAllowed(acquire(LOOP, twoPerMinute, KEY, RateLimits.NONE, 1));
        assertFalse(fallback.usingLocal());

        primary.down = true;
        assertEquals(2, passes(LOOP, twoPerMinute, KEY, RateLimits.NONE, 1, 5),
                "the local buckets are separate: full, and as large as the primary's");
        assertTrue(fallback.usingLocal());
        assertLimited(acquire(LOOP, twoPerMinute, KEY, RateLimits.NONE, 1));

        primary.down = false;
        assertEquals(1, passes(LOOP, twoPerMinute, KEY, RateLimits.NONE, 1, 5), "the primary's bucket again");
        assertFalse(fallback.usingLocal());
    }

    @Test
    void refusalOfThePrimaryIsAnAnswerNotAFailure() {
        RateLimits onePerMinute = new RateLimits(1, 0);
        assertAllowed(acquire(LOOP, onePerMinute, KEY, RateLimits.NONE, 1));
        assertLimited(acquire(LOOP, onePerMinute, KEY, RateLimits.NONE, 1));
        assertFalse(((FallbackRateLimiter) limiter).usingLocal());
    }

    @Test
    void closingClosesBoth() {
        limiter.close();
        assertTrue(primary.closed);
        assertTrue(local.acquire(LOOP, RateLimits.NONE, KEY, RateLimits.NONE, 1).toCompletableFuture()
                .isCompletedExceptionally());
    }

    /** A limiter whose stages fail on demand, as the Redis one does while Redis is down. */
    private static final class SwitchableLimiter implements RateLimiter {
        private final RateLimiter real;
        volatile boolean down;
        volatile boolean closed;

        SwitchableLimiter(RateLimiter real) {
            this.real = real;
        }

        @Override
        public CompletionStage<RateDecision> acquire(String loopId, RateLimits loopLimits, String keyName,
                RateLimits keyLimits, long tokens) {
            if (down) {
                return CompletableFuture.failedFuture(new IllegalStateException("rate limits: Redis down"));
            }
            return real.acquire(loopId, loopLimits, keyName, keyLimits, tokens);
        }

        @Override
        public void close() {
            closed = true;
            real.close();
        }
    }
}

package dev.loopgate.budgets.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.ratelimit.RateLimiter;
import dev.loopgate.budgets.ratelimit.RateLimiterContract;
import dev.loopgate.budgets.ratelimit.RateLimits;
import dev.loopgate.budgets.testkit.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest extends RateLimiterContract {
    @Override
    protected RateLimiter newLimiter(FakeClock clock) {
        return new LocalRateLimiter(clock, 1_000);
    }

    @Test
    void bucketsIdleForAMinuteAreForgotten() {
        LocalRateLimiter local = (LocalRateLimiter) limiter;
        RateLimits limits = new RateLimits(5, 100);
        for (String loop : new String[] {"a", "b", "c"}) {
            assertAllowed(acquire(loop, limits, KEY, RateLimits.NONE, 1));
        }
        assertEquals(6, local.bucketCount());
        clock.advance(Duration.ofSeconds(59));
        assertAllowed(acquire("a", limits, KEY, RateLimits.NONE, 1));
        assertEquals(6, local.bucketCount(), "nothing is a minute idle yet");
        clock.advance(Duration.ofSeconds(1));
        assertAllowed(acquire("d", limits, KEY, RateLimits.NONE, 1));
        assertEquals(4, local.bucketCount(), "b and c were idle a minute: full again, so forgotten");
    }

    @Test
    void theNumberOfBucketsIsBounded() {
        LocalRateLimiter small = new LocalRateLimiter(clock, 4);
        try {
            for (int i = 0; i < 20; i++) {
                assertAllowed(small.acquire("loop-" + i, new RateLimits(1, 0), KEY, new RateLimits(100, 0), 0)
                        .toCompletableFuture().join());
            }
            assertTrue(small.bucketCount() <= 4, "held " + small.bucketCount());
        } finally {
            small.close();
        }
    }
}

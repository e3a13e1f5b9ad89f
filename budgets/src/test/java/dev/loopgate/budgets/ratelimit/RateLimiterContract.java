package dev.loopgate.budgets.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.Await;
import dev.loopgate.budgets.testkit.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RateLimiter} must do. Time is a {@link FakeClock}: refill is tested by moving
 * it, never by sleeping.
 */
public abstract class RateLimiterContract {
    protected static final String LOOP = "build-7";
    protected static final String KEY = "build-bot";

    protected FakeClock clock;
    protected RateLimiter limiter;

    /** A limiter reading time from {@code clock}, sharing nothing with earlier tests. */
    protected abstract RateLimiter newLimiter(FakeClock clock);

    /** Runs after the limiter is closed (e.g. to delete the test's Redis keys). */
    protected void afterLimiterClosed() {
    }

    @BeforeEach
    void startLimiter() {
        clock = new FakeClock();
        limiter = newLimiter(clock);
    }

    @AfterEach
    void closeLimiter() {
        limiter.close();
        afterLimiterClosed();
    }

    @Test
    void theRequestAfterTheLimitInAMinuteIsRefusedWithRetryAfter() {
        RateLimits threePerMinute = new RateLimits(3, 0);
        for (int i = 0; i < 3; i++) {
            assertAllowed(acquire(LOOP, threePerMinute, KEY, RateLimits.NONE, 10));
        }
        RateDecision.Limited refused = assertLimited(acquire(LOOP, threePerMinute, KEY, RateLimits.NONE, 10));
        assertEquals("loop build-7 requests per minute", refused.scope());
        // Greedy refill of 3 a minute gives one back every 20 s.
        assertTrue(refused.retryAfterMillis() > 19_000 && refused.retryAfterMillis() <= 20_000,
                "retry after " + refused.retryAfterMillis() + " ms");
    }

    @Test
    void refusedRequestsPassAgainAsTheBucketRefills() {
        RateLimits threePerMinute = new RateLimits(3, 0);
        assertEquals(3, passes(LOOP, threePerMinute, KEY, RateLimits.NONE, 1, 10));
        clock.advance(Duration.ofSeconds(19));
        assertLimited(acquire(LOOP, threePerMinute, KEY, RateLimits.NONE, 1));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, passes(LOOP, threePerMinute, KEY, RateLimits.NONE, 1, 10));
        clock.advance(Duration.ofMinutes(5));
        assertEquals(3, passes(LOOP, threePerMinute, KEY, RateLimits.NONE, 1, 10), "never more than the capacity");
    }

    @Test
    void tokensPerMinuteCountTokens() {
        RateLimits hundredTokens = new RateLimits(0, 100);
        assertAllowed(acquire(LOOP, hundredTokens, KEY, RateLimits.NONE, 60));
        RateDecision.Limited refused = assertLimited(acquire(LOOP, hundredTokens, KEY, RateLimits.NONE, 50));
        assertEquals("loop build-7 tokens per minute", refused.scope());
        // 10 tokens short at 100 a minute: 6 s.
        assertTrue(refused.retryAfterMillis() > 5_000 && refused.retryAfterMillis() <= 6_000,
                "retry after " + refused.retryAfterMillis() + " ms");
        assertAllowed(acquire(LOOP, hundredTokens, KEY, RateLimits.NONE, 40));
        assertLimited(acquire(LOOP, hundredTokens, KEY, RateLimits.NONE, 1));
    }

    @Test
    void zeroTokensTouchOnlyTheRequestLimits() {
        RateLimits limits = new RateLimits(5, 10);
        for (int i = 0; i < 4; i++) {
            assertAllowed(acquire(LOOP, limits, KEY, RateLimits.NONE, 0));
        }
        assertAllowed(acquire(LOOP, limits, KEY, RateLimits.NONE, 10));
    }

    @Test
    void aKeyLimitAppliesAcrossItsLoops() {
        RateLimits twoPerMinute = new RateLimits(2, 0);
        assertAllowed(acquire("loop-a", RateLimits.NONE, KEY, twoPerMinute, 1));
        assertAllowed(acquire("loop-b", RateLimits.NONE, KEY, twoPerMinute, 1));
        RateDecision.Limited refused = assertLimited(acquire("loop-c", RateLimits.NONE, KEY, twoPerMinute, 1));
        assertEquals("key build-bot requests per minute", refused.scope());
        assertAllowed(acquire("loop-c", RateLimits.NONE, "other-key", twoPerMinute, 1));
    }

    @Test
    void aLoopLimitAppliesAcrossKeys() {
        RateLimits twoPerMinute = new RateLimits(2, 0);
        assertAllowed(acquire(LOOP, twoPerMinute, "key-a", RateLimits.NONE, 1));
        assertAllowed(acquire(LOOP, twoPerMinute, "key-b", RateLimits.NONE, 1));
        RateDecision.Limited refused = assertLimited(acquire(LOOP, twoPerMinute, "key-c", RateLimits.NONE, 1));
        assertEquals("loop build-7 requests per minute", refused.scope());
        assertAllowed(acquire("other-loop", twoPerMinute, "key-c", RateLimits.NONE, 1));
    }

    @Test
    void bothTheLoopAndTheKeyLimitApplyToOneCall() {
        RateLimits loopLimits = new RateLimits(10, 1000);
        RateLimits keyLimits = new RateLimits(2, 50);
        assertAllowed(acquire(LOOP, loopLimits, KEY, keyLimits, 20));
        assertEquals("key build-bot tokens per minute",
                assertLimited(acquire(LOOP, loopLimits, KEY, keyLimits, 40)).scope());
        assertAllowed(acquire(LOOP, loopLimits, KEY, keyLimits, 30));
        assertEquals("key build-bot requests per minute",
                assertLimited(acquire(LOOP, loopLimits, KEY, keyLimits, 0)).scope());
    }

    @Test
    void aRefusalConsumesNothing() {
        RateLimits loopLimits = new RateLimits(10, 100);
        RateLimits keyLimits = new RateLimits(10, 50);
        assertAllowed(acquire(LOOP, loopLimits, KEY, keyLimits, 40));
        // Loop RPM, loop TPM and key RPM take before key TPM refuses: all must be given back.
        assertEquals("key build-bot tokens per minute",
                assertLimited(acquire(LOOP, loopLimits, KEY, keyLimits, 20)).scope());

        assertEquals(60, passes(LOOP, new RateLimits(0, 100), "free-key", RateLimits.NONE, 1, 200),
                "loop tokens left: 100 - 40");
        assertEquals(9, passes(LOOP, new RateLimits(10, 0), "free-key", RateLimits.NONE, 0, 200),
                "loop requests left: 10 - 1");
        assertEquals(9, passes("free-loop", RateLimits.NONE, KEY, new RateLimits(10, 0), 0, 200),
                "key requests left: 10 - 1");
        assertEquals(10, passes("free-loop", RateLimits.NONE, KEY, new RateLimits(0, 50), 1, 200),
                "key tokens left: 50 - 40");
    }

    @Test
    void noLimitsNeverLimit() {
        for (int i = 0; i < 300; i++) {
            assertAllowed(acquire(LOOP, RateLimits.NONE, KEY, RateLimits.NONE, 1_000_000_000L));
        }
    }

    @Test
    void aCallOfMoreTokensThanALimitHoldsIsRefusedForAMinuteAndTakesNothing() {
        RateLimits loopLimits = new RateLimits(2, 100);
        RateDecision.Limited refused = assertLimited(acquire(LOOP, loopLimits, KEY, RateLimits.NONE, 101));
        assertTrue(refused.scope().startsWith("loop build-7 tokens per minute"), refused.scope());
        assertTrue(refused.scope().contains("101"), refused.scope());
        assertEquals(60_000, refused.retryAfterMillis());

        RateDecision.Limited byKey = assertLimited(acquire(LOOP, loopLimits, KEY, new RateLimits(0, 50), 51));
        assertTrue(byKey.scope().startsWith("key build-bot tokens per minute"), byKey.scope());
        assertEquals(60_000, byKey.retryAfterMillis());

        assertEquals(2, passes(LOOP, loopLimits, KEY, RateLimits.NONE, 50, 10), "both buckets still full");
    }

    @Test
    void anEditedLimitTakesEffectAtOnce() {
        assertEquals(2, passes(LOOP, new RateLimits(2, 0), KEY, RateLimits.NONE, 1, 10));
        assertAllowed(acquire(LOOP, new RateLimits(5, 0), KEY, RateLimits.NONE, 1));

        assertAllowed(acquire("other-loop", new RateLimits(10, 0), KEY, RateLimits.NONE, 1));
        assertEquals(1, passes("other-loop", new RateLimits(1, 0), KEY, RateLimits.NONE, 1, 10),
                "a lowered limit binds at once");
    }

    @Test
    void concurrentCallsNeverPassMoreThanTheLimit() throws Exception {
        RateLimits fifteen = new RateLimits(15, 0);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<RateDecision>> decisions = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                decisions.add(CompletableFuture.supplyAsync(
                        () -> limiter.acquire(LOOP, fifteen, KEY, RateLimits.NONE, 5), callers)
                        .thenCompose(stage -> stage));
            }
            long allowed = decisions.stream().map(Await::result).filter(RateDecision.Allowed.class::isInstance).count();
            assertEquals(15, allowed);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void badArgumentsAreRefusedAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimits(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new RateLimits(0, -1));
        assertThrows(IllegalArgumentException.class,
                () -> limiter.acquire(LOOP, RateLimits.NONE, KEY, RateLimits.NONE, -1));
        assertThrows(IllegalArgumentException.class,
                () -> limiter.acquire(" ", RateLimits.NONE, KEY, RateLimits.NONE, 1));
        assertThrows(IllegalArgumentException.class,
                () -> limiter.acquire(LOOP, RateLimits.NONE, null, RateLimits.NONE, 1));
    }

    protected RateDecision acquire(String loopId, RateLimits loopLimits, String keyName, RateLimits keyLimits,
            long tokens) {
        return Await.result(limiter.acquire(loopId, loopLimits, keyName, keyLimits, tokens));
    }

    /** How many calls of {@code tokens} pass in a row before the first refusal (at most {@code max}). */
    protected int passes(String loopId, RateLimits loopLimits, String keyName, RateLimits keyLimits, long tokens,
            int max) {
        return passes(limiter, loopId, loopLimits, keyName, keyLimits, tokens, max);
    }

    protected static int passes(RateLimiter limiter, String loopId, RateLimits loopLimits, String keyName,
            RateLimits keyLimits, long tokens, int max) {
        for (int passed = 0; passed < max; passed++) {
            CompletionStage<RateDecision> decision = limiter.acquire(loopId, loopLimits, keyName, keyLimits, tokens);
            if (Await.result(decision) instanceof RateDecision.Limited) {
                return passed;
            }
        }
        return max;
    }

    protected static void assertAllowed(RateDecision decision) {
        assertInstanceOf(RateDecision.Allowed.class, decision);
    }

    protected static RateDecision.Limited assertLimited(RateDecision decision) {
        return assertInstanceOf(RateDecision.Limited.class, decision);
    }
}

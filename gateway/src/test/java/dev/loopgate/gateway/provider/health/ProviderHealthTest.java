package dev.loopgate.gateway.provider.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.config.HealthConfig;
import dev.loopgate.gateway.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One target's breaker on a fake clock: window, min calls, error rate, cool-down, probe. */
class ProviderHealthTest {
    static final HealthConfig CONFIG = new HealthConfig(Duration.ofSeconds(30), 4, 0.5, Duration.ofSeconds(15));

    final FakeClock clock = new FakeClock(Instant.parse("2026-01-05T10:00:00Z"));
    final TargetHealth target = new TargetHealth("p", "m", CONFIG, clock);

    @Test
    void failuresBelowMinCallsNeverOpen() {
        report(Outcome.FAILURE, 3);

        assertEquals(BreakerState.CLOSED, target.snapshot().state());
        assertEquals(3, target.snapshot().calls());
    }

    @Test
    void anErrorRateBelowTheThresholdStaysClosed() {
        report(Outcome.SUCCESS, 6);
        report(Outcome.FAILURE, 5);

        assertEquals(BreakerState.CLOSED, target.snapshot().state());
        assertEquals(5.0 / 11, target.snapshot().errorRate(), 1e-9);
    }

    @Test
    void reachingTheErrorRateOverMinCallsOpens() {
        report(Outcome.SUCCESS, 2);
        report(Outcome.FAILURE, 2);

        TargetSnapshot open = target.snapshot();
        assertEquals(BreakerState.OPEN, open.state());
        assertEquals(clock.instant(), open.openedAt());
        assertEquals(clock.instant().plus(CONFIG.coolDown()), open.nextProbeAt());
        assertFalse(target.acquire().allowed());
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        report(Outcome.FAILURE, 3);
        clock.advance(Duration.ofSeconds(31));

        report(Outcome.FAILURE, 1);

        assertEquals(BreakerState.CLOSED, target.snapshot().state());
        assertEquals(1, target.snapshot().calls());
    }

    @Test
    void ignoredOutcomesAreNotCounted() {
        report(Outcome.IGNORED, 10);

        assertEquals(0, target.snapshot().calls());
        assertEquals(BreakerState.CLOSED, target.snapshot().state());
    }

    @Test
    void afterTheCoolDownOneProbeGoesThroughAndItsSuccessClosesWithAnEmptyWindow() {
        report(Outcome.FAILURE, 4);
        clock.advance(Duration.ofSeconds(14));
        assertFalse(target.acquire().allowed(), "still cooling down");
        clock.advance(Duration.ofSeconds(1));

        Permit probe = target.acquire();
        assertEquals(Permit.Kind.PROBE, probe.kind());
        assertEquals(BreakerState.HALF_OPEN, target.snapshot().state());
        assertFalse(target.acquire().allowed(), "one probe at a time");
        probe.report(Outcome.SUCCESS);

        assertEquals(BreakerState.CLOSED, target.snapshot().state());
        assertEquals(0, target.snapshot().calls());
        assertNull(target.snapshot().openedAt());
        assertEquals(Permit.Kind.NORMAL, target.acquire().kind());
    }

    @Test
    void aFailedProbeOpensAgainFromNow() {
        report(Outcome.FAILURE, 4);
        clock.advance(CONFIG.coolDown());
        Permit probe = target.acquire();

        probe.report(Outcome.FAILURE);

        assertEquals(BreakerState.OPEN, target.snapshot().state());
        assertEquals(clock.instant(), target.snapshot().openedAt());
        assertFalse(target.acquire().allowed());
    }

    @Test
    void aProbeThatLearnedNothingLetsTheNextCallProbe() {
        report(Outcome.FAILURE, 4);
        clock.advance(CONFIG.coolDown());
        target.acquire().report(Outcome.IGNORED);

        assertEquals(Permit.Kind.PROBE, target.acquire().kind());
    }

    @Test
    void callsFromBeforeTheBreakerOpenedDoNotMoveIt() {
        Permit early = target.acquire();
        report(Outcome.FAILURE, 4);

        early.report(Outcome.SUCCESS);

        assertEquals(BreakerState.OPEN, target.snapshot().state());
    }

    @Test
    void aPermitReportsOnlyOnce() {
        Permit permit = target.acquire();
        permit.report(Outcome.FAILURE);
        permit.report(Outcome.FAILURE);

        assertEquals(1, target.snapshot().calls());
    }

    @Test
    void racingCallsGetExactlyOneProbe() throws Exception {
        report(Outcome.FAILURE, 4);
        clock.advance(CONFIG.coolDown());
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Permit>> permits = new ArrayList<>();
            for (int i = 0; i < threads * 50; i++) {
                permits.add(pool.submit(() -> {
                    start.await();
                    return target.acquire();
                }));
            }
            start.countDown();
            int probes = 0;
            for (Future<Permit> permit : permits) {
                probes += permit.get(10, TimeUnit.SECONDS).allowed() ? 1 : 0;
            }
            assertEquals(1, probes);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theRegistryForcesTheTargetOpenedLongestAgo() {
        TargetHealth other = new TargetHealth("q", "n", CONFIG, clock);
        report(Outcome.FAILURE, 4);
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 4; i++) {
            other.acquire().report(Outcome.FAILURE);
        }
        assertTrue(target.openedAtMillis() < other.openedAtMillis());

        Permit forced = target.force();
        assertEquals(Permit.Kind.FORCED, forced.kind());
        forced.report(Outcome.SUCCESS);
        assertEquals(BreakerState.CLOSED, target.snapshot().state());
    }

    private void report(Outcome outcome, int times) {
        for (int i = 0; i < times; i++) {
            target.acquire().report(outcome);
        }
    }
}

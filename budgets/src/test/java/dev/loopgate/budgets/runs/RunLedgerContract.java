package dev.loopgate.budgets.runs;

import static dev.loopgate.budgets.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.ledger.Breaker;
import dev.loopgate.budgets.ledger.LoopState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RunLedger} does: per-run caps that pause one run while the loop's other runs
 * go on, holds that never let concurrent calls pass a run's cap, idle runs started afresh, and
 * resumes that let a run go on. Time is passed in, never read.
 */
abstract class RunLedgerContract {
    private static final long T0 = 1_796_000_000_000L;
    private static final long TTL = 600_000;
    private static final long USD = 1_000_000_000L;

    private final List<RunLedger> opened = new ArrayList<>();
    private final AtomicInteger holdIds = new AtomicInteger();

    protected abstract RunLedger newLedger();

    private RunLedger ledger() {
        RunLedger ledger = newLedger();
        opened.add(ledger);
        return ledger;
    }

    @AfterEach
    void closeLedgers() {
        opened.forEach(RunLedger::close);
    }

    private RunHold hold(String run, long nanos, RunLimits caps, long now) {
        return new RunHold("loop-a", run, "h" + holdIds.incrementAndGet(), nanos, 100, caps, now + TTL, now);
    }

    /** Holds, then settles at {@code actual}; returns the settle. */
    private RunSettled call(RunLedger ledger, String run, long worst, long actual, RunLimits caps, long now) {
        RunHold hold = hold(run, worst, caps, now);
        assertInstanceOf(RunDecision.Held.class, result(ledger.hold(hold)), "held");
        return result(ledger.settle("loop-a", run, hold.holdId(), actual, 50, caps, now + 1));
    }

    @Test
    void aRunPastItsStepCapIsPausedWhileAnotherRunOfTheLoopGoesOn() {
        RunLedger ledger = ledger();
        RunLimits caps = new RunLimits(0, 0, 2, 0, 0);
        call(ledger, "r1", 10, 10, caps, T0);
        call(ledger, "r1", 10, 10, caps, T0 + 10);
        RunDecision third = result(ledger.hold(hold("r1", 10, caps, T0 + 20)));
        RunDecision.Refused refused = assertInstanceOf(RunDecision.Refused.class, third);
        assertTrue(refused.paused());
        assertEquals(Breaker.STEP_CAP, refused.trip().breaker());
        assertEquals("r1", refused.trip().runId());
        assertTrue(refused.message().contains("Run 'r1' of loop 'loop-a' is paused"), refused.message());
        assertInstanceOf(RunDecision.Held.class, result(ledger.hold(hold("r2", 10, caps, T0 + 30))),
                "another run of the same loop goes on");
        RunDecision again = result(ledger.hold(hold("r1", 10, caps, T0 + 40)));
        assertEquals(Breaker.STEP_CAP, assertInstanceOf(RunDecision.Refused.class, again).trip().breaker(),
                "it stays paused, with the trip that paused it");

        RunStatus status = result(ledger.status("loop-a", "r1")).orElseThrow();
        assertEquals(LoopState.PAUSED, status.state());
        assertEquals(2, status.steps());
        assertEquals(20, status.spentNanos());
        assertEquals(T0, status.firstCallMillis());
        assertEquals(T0 + 10, status.lastCallMillis());
    }

    @Test
    void aSettleThatReachesTheUsdCapPausesTheRunAtOnce() {
        RunLedger ledger = ledger();
        RunLimits caps = new RunLimits(USD, 0, 0, 0, 0);
        RunSettled first = call(ledger, "r1", USD / 2, USD / 2 - 1, caps, T0);
        assertNull(first.trip());
        assertEquals(USD / 2 - 1, first.spentNanos());
        RunSettled second = call(ledger, "r1", USD / 2, USD / 2 + 1, caps, T0 + 10);
        assertEquals(Breaker.HARD_BUDGET, second.trip().breaker());
        assertTrue(second.trip().reason().contains("spent $1 of its $1 cap"), second.trip().reason());
        assertEquals(LoopState.PAUSED, result(ledger.status("loop-a", "r1")).orElseThrow().state());
    }

    @Test
    void concurrentHoldsNeverTogetherPassTheRunsUsdCap() {
        RunLedger ledger = ledger();
        RunLimits caps = new RunLimits(USD, 0, 0, 0, 0);
        List<CompletableFuture<RunDecision>> holds = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            holds.add(ledger.hold(hold("r1", USD / 10, caps, T0)).toCompletableFuture());
        }
        long held = holds.stream().map(CompletableFuture::join).filter(RunDecision.Held.class::isInstance).count();
        assertEquals(10, held, "exactly the ten that fit");
        RunDecision.Refused refused = holds.stream().map(CompletableFuture::join)
                .filter(RunDecision.Refused.class::isInstance).map(RunDecision.Refused.class::cast).findFirst().orElseThrow();
        assertFalse(refused.paused(), "a call that does not fit is refused, the run not paused");
        assertTrue(refused.message().contains("would pass its $1 cap"), refused.message());
        assertEquals(USD, result(ledger.status("loop-a", "r1")).orElseThrow().reservedNanos());
    }

    @Test
    void theWallClockCountsFromTheRunsStart() {
        RunLedger ledger = ledger();
        RunLimits caps = new RunLimits(0, 0, 0, 60_000, 0);
        call(ledger, "r1", 1, 1, caps, T0);
        call(ledger, "r1", 1, 1, caps, T0 + 59_999);
        RunDecision late = result(ledger.hold(hold("r1", 1, caps, T0 + 60_000)));
        assertEquals(Breaker.WALL_CLOCK, assertInstanceOf(RunDecision.Refused.class, late).trip().breaker());
        assertInstanceOf(RunDecision.Held.class, result(ledger.hold(hold("r2", 1, caps, T0 + 60_000))),
                "a run started later has its own clock");
    }

    @Test
    void aRunIdleForLongerThanAllowedStartsAfreshWithItsTotalsKept() {
        RunLedger ledger = ledger();
        RunLimits caps = new RunLimits(0, 0, 2, 0, 30_000);
        RunHold first = hold("r1", 5, caps, T0);
        RunDecision.Held held = assertInstanceOf(RunDecision.Held.class, result(ledger.hold(first)));
        assertTrue(held.restarted(), "a new run starts");
        assertEquals(0, held.stepsBefore());
        result(ledger.settle("loop-a", "r1", first.holdId(), 5, 50, caps, T0 + 1));
        call(ledger, "r1", 5, 5, caps, T0 + 29_999);
        RunDecision.Held afterIdle = assertInstanceOf(RunDecision.Held.class,
                result(ledger.hold(hold("r1", 5, caps, T0 + 29_999 + 30_000))),
                "its step cap counts afresh once it was idle for 30 s");
        assertTrue(afterIdle.restarted());
        assertEquals(0, afterIdle.stepsBefore());
        RunStatus status = result(ledger.status("loop-a", "r1")).orElseThrow();
        assertEquals(1, status.restarts());
        assertEquals(3, status.steps(), "the run's totals are kept");
        assertEquals(1, status.current().steps());
        assertEquals(T0 + 59_999, status.current().startMillis());
    }

    @Test
    void resumingAPausedRunLetsItGoOnForAsMuchAgain() {
        RunLedger ledger = ledger();
        RunLimits caps = new RunLimits(0, 0, 1, 0, 0);
        call(ledger, "r1", 1, 1, caps, T0);
        assertInstanceOf(RunDecision.Refused.class, result(ledger.hold(hold("r1", 1, caps, T0 + 1))));
        RunStatus resumed = result(ledger.resume("loop-a", "r1", "looked at it", "ops", T0 + 2)).orElseThrow();
        assertEquals(LoopState.ACTIVE, resumed.state());
        assertNull(resumed.pausedBy());
        assertEquals(0, resumed.current().steps());
        assertInstanceOf(RunDecision.Held.class, result(ledger.hold(hold("r1", 1, caps, T0 + 3))));
        assertInstanceOf(RunDecision.Refused.class, result(ledger.hold(hold("r1", 1, caps, T0 + 4))),
                "as much again, then paused again");
        assertTrue(result(ledger.resume("loop-a", "nope", "x", "ops", T0)).isEmpty(), "an unknown run");
    }

    @Test
    void anAdminPausesARunByHand() {
        RunLedger ledger = ledger();
        call(ledger, "r1", 1, 1, RunLimits.NONE, T0);
        RunStatus paused = result(ledger.pause("loop-a", "r1", "odd output", "ops", T0 + 5)).orElseThrow();
        assertEquals(Breaker.MANUAL, paused.pausedBy().breaker());
        assertEquals("odd output (ops)", paused.pausedBy().reason());
        RunDecision.Refused refused = assertInstanceOf(RunDecision.Refused.class,
                result(ledger.hold(hold("r1", 1, RunLimits.NONE, T0 + 6))));
        assertTrue(refused.paused());
    }

    @Test
    void cancellingAHoldGivesBackItsMoneyAndItsStepAndSettlingTwiceChargesOnce() {
        RunLedger ledger = ledger();
        RunLimits caps = new RunLimits(100, 0, 1, 0, 0);
        RunHold hold = hold("r1", 100, caps, T0);
        assertInstanceOf(RunDecision.Held.class, result(ledger.hold(hold)));
        result(ledger.cancel("loop-a", "r1", hold.holdId(), T0 + 1));
        RunHold again = hold("r1", 100, caps, T0 + 2);
        assertInstanceOf(RunDecision.Held.class, result(ledger.hold(again)), "the step and the money were given back");
        result(ledger.settle("loop-a", "r1", again.holdId(), 40, 10, caps, T0 + 3));
        result(ledger.settle("loop-a", "r1", again.holdId(), 40, 10, caps, T0 + 4));
        RunStatus status = result(ledger.status("loop-a", "r1")).orElseThrow();
        assertEquals(40, status.spentNanos());
        assertEquals(0, status.reservedNanos());
        assertEquals(1, status.steps());
    }

    @Test
    void aHoldNeverSettledIsChargedInFullOncePastItsExpiry() {
        RunLedger ledger = ledger();
        RunHold lost = hold("r1", 70, RunLimits.NONE, T0);
        assertInstanceOf(RunDecision.Held.class, result(ledger.hold(lost)));
        call(ledger, "r1", 10, 10, RunLimits.NONE, T0 + TTL + 1);
        RunStatus status = result(ledger.status("loop-a", "r1")).orElseThrow();
        assertEquals(80, status.spentNanos(), "the lost call is charged what it held");
        assertEquals(0, status.reservedNanos());
        RunSettled late = result(ledger.settle("loop-a", "r1", lost.holdId(), 5, 5, RunLimits.NONE, T0 + TTL + 2));
        assertEquals(80, late.spentNanos(), "and not again when it settles after all");
    }

    @Test
    void runsAreListedPausedFirstThenMostRecentlyActive() {
        RunLedger ledger = ledger();
        call(ledger, "old", 1, 1, RunLimits.NONE, T0);
        call(ledger, "stopped", 1, 1, RunLimits.NONE, T0 + 1);
        call(ledger, "new", 1, 1, RunLimits.NONE, T0 + 2);
        result(ledger.pause("loop-a", "stopped", "why", "ops", T0 + 3));
        List<String> ids = result(ledger.runs("loop-a")).stream().map(RunStatus::runId).toList();
        assertEquals(List.of("stopped", "new", "old"), ids);
        assertEquals(List.of(), result(ledger.runs("other-loop")));
        assertTrue(result(ledger.status("loop-a", "never")).isEmpty());
    }

    @Test
    void toolCallsAreCountedUpToTheirCapThenRefusedNamingIt() {
        RunLedger ledger = ledger();
        call(ledger, "r1", 10, 10, RunLimits.NONE, T0);
        Map<String, Long> caps = new LinkedHashMap<>();
        caps.put("Write", 2L);
        caps.put("W*", 5L);
        assertEquals(Optional.empty(), result(ledger.countToolCall("loop-a", "r1", caps, T0)));
        assertEquals(Optional.empty(), result(ledger.countToolCall("loop-a", "r1", caps, T0)));
        assertEquals(Optional.of("Write"), result(ledger.countToolCall("loop-a", "r1", caps, T0)));
        assertEquals(Optional.empty(), result(ledger.countToolCall("loop-a", "r1", Map.of("W*", 5L), T0)),
                "a refused call counted in no cap");
        assertEquals(Map.of("Write", 2L, "W*", 3L), result(ledger.status("loop-a", "r1")).orElseThrow().toolCalls());
        assertEquals(Optional.empty(), result(ledger.countToolCall("loop-a", "r2", caps, T0)), "each run counts its own");
    }

    @Test
    void aLoopsCallsWithoutARunAreCountedForTheLoop() {
        RunLedger ledger = ledger();
        Map<String, Long> caps = Map.of("deploy_*", 1L);
        assertEquals(Optional.empty(), result(ledger.countToolCall("loop-b", null, caps, T0)));
        assertEquals(Optional.of("deploy_*"), result(ledger.countToolCall("loop-b", null, caps, T0 + 1)));
        assertEquals(Optional.empty(), result(ledger.countToolCall("loop-c", null, caps, T0)), "another loop's are its own");
    }

    @Test
    void concurrentToolCallsNeverPassTheirCap() {
        RunLedger ledger = ledger();
        Map<String, Long> caps = Map.of("Bash", 5L);
        List<CompletableFuture<Optional<String>>> counts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            counts.add(ledger.countToolCall("loop-d", "busy", caps, T0).toCompletableFuture());
        }
        assertEquals(5, counts.stream().filter(count -> result(count).isEmpty()).count());
    }

    @Test
    void badIdsAreRefusedAtOnce() {
        RunLedger ledger = ledger();
        assertThrows(IllegalArgumentException.class, () -> hold("has space", 1, RunLimits.NONE, T0));
        assertThrows(IllegalArgumentException.class, () -> hold("{tag}", 1, RunLimits.NONE, T0));
        assertThrows(IllegalArgumentException.class, () -> ledger.status("loop-a", ""));
    }
}

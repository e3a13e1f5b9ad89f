package dev.loopgate.budgets.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.ledger.BudgetDecision.Allowed;
import dev.loopgate.budgets.ledger.BudgetDecision.Refused;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link BudgetLedger} (docs/budgets.md), run against every implementation.
 * Reasons are compared letter for letter: the Redis scripts must word them as Texts does.
 */
abstract class BudgetLedgerContract {
    static final long T0 = Instant.parse("2025-06-15T12:00:00Z").toEpochMilli();
    static final long TTL = 60_000;
    static final long USD = 1_000_000_000L;

    protected final TestClock clock = new TestClock(T0);
    protected BudgetLedger ledger;

    /** A new ledger of the implementation under test, on empty storage; the subclass closes and cleans up. */
    protected abstract BudgetLedger newLedger(long reservationTtlMillis, Clock clock);

    @BeforeEach
    void openLedger() {
        ledger = newLedger(TTL, clock);
    }

    // ---- 1. expiry -------------------------------------------------------------------------

    @Test
    void overdueReservationIsChargedAtItsReservedAmountBeforeTheNextReserve() {
        allowed(reserve(new Call("l").worst(cents(40)).limits(usdLimit(USD)), T0));
        Allowed next = allowed(reserve(new Call("l").worst(cents(10)).limits(usdLimit(USD)), T0 + TTL));
        assertEquals(0.4, next.budgetUsed(), 1e-9);
        LoopStatus status = statusAt("l", T0 + TTL);
        assertEquals(cents(40), status.spentNanos());
        assertEquals(cents(10), status.reservedNanos());
        assertEquals(100, status.tokens());
        assertEquals(1, status.expiredReservations());
        assertEquals(new LoopEvent("expire", null, "charged $0.4 for 1 reservation(s) never settled", "loopgate", T0 + TTL),
                status.history().get(0));
    }

    @Test
    void aCallCostingMoreThanItReservedIsChargedInFullAndCountedAsAnOverrun() {
        Reservation over = allowed(reserve(new Call("l").worst(cents(10)), T0)).reservation();
        Reservation under = allowed(reserve(new Call("l").worst(cents(10)), T0)).reservation();
        Reservation exact = allowed(reserve(new Call("l").worst(cents(10)), T0)).reservation();
        assertEquals(cents(15), settle(over, cents(15), T0 + 1).spentNanos());
        settle(under, cents(3), T0 + 2);
        settle(exact, cents(10), T0 + 3);
        settle(over, cents(15), T0 + 4);
        LoopStatus status = statusAt("l", T0 + 5);
        assertEquals(cents(28), status.spentNanos());
        assertEquals(1, status.overruns(), "only the call past its worst case, once");
    }

    @Test
    void anAllowedCallReportsTheLoopsPaceAgainstTheCapsInEffect() {
        BudgetLimits limits = new BudgetLimits(0, 0, 10, 60_000, Period.TOTAL);
        Allowed first = allowed(reserve(new Call("l").limits(limits), T0));
        assertEquals(new BudgetDecision.Pace(0, 10, T0, 0, 60_000), first.pace());
        Allowed second = allowed(reserve(new Call("l").limits(limits), T0 + 500));
        assertEquals(new BudgetDecision.Pace(1, 10, T0, T0, 60_000), second.pace());
        await(ledger.setLimits("l", new BudgetLimits(0, 0, 20, 0, Period.TOTAL)));
        Allowed third = allowed(reserve(new Call("l").limits(limits), T0 + 900));
        assertEquals(new BudgetDecision.Pace(2, 20, T0, T0 + 500, 0), third.pace(), "an admin override's caps");
    }

    @Test
    void reservationIsNotExpiredBeforeItsTtl() {
        allowed(reserve(new Call("l").worst(cents(40)), T0));
        LoopStatus status = statusAt("l", T0 + TTL - 1);
        assertEquals(cents(40), status.reservedNanos());
        assertEquals(0, status.spentNanos());
        assertEquals(0, status.expiredReservations());
        assertEquals(0, await(ledger.expireReservations(T0 + TTL - 1)));
    }

    @Test
    void expireReservationsChargesTheOverdueReservationsOfEveryLoopAndCountsThem() {
        Reservation settled = allowed(reserve(new Call("a").worst(cents(10)), T0)).reservation();
        allowed(reserve(new Call("a").worst(cents(20)), T0));
        allowed(reserve(new Call("b").worst(cents(30)), T0 + 1));
        settle(settled, cents(5), T0 + 2);
        allowed(reserve(new Call("b").worst(cents(40)), T0 + 2));

        assertEquals(2, await(ledger.expireReservations(T0 + TTL + 1)));
        clock.set(T0 + TTL + 1);
        assertEquals(cents(25), status("a").spentNanos());
        assertEquals(1, status("a").expiredReservations());
        assertEquals(cents(30), status("b").spentNanos());
        assertEquals(cents(40), status("b").reservedNanos());
        assertEquals(0, await(ledger.expireReservations(T0 + TTL + 1)));
    }

    @Test
    void settlingAnExpiredReservationChargesNothingMore() {
        Reservation held = allowed(reserve(new Call("l").worst(cents(40)), T0)).reservation();
        assertEquals(1, await(ledger.expireReservations(T0 + TTL)));
        SettleResult result = settle(held, cents(10), T0 + TTL + 5);
        assertEquals(cents(40), result.spentNanos());
        assertEquals(cents(40), statusAt("l", T0 + TTL + 5).spentNanos());
    }

    @Test
    void settleArrivingAtTheExpiryTimeFindsTheReservationAlreadyCharged() {
        Reservation held = allowed(reserve(new Call("l").worst(cents(40)), T0)).reservation();
        assertEquals(cents(40), settle(held, cents(10), held.expiresAtMillis()).spentNanos());
        assertEquals(1, statusAt("l", T0 + TTL).expiredReservations());
    }

    // ---- 2. paused -------------------------------------------------------------------------

    @Test
    void pausedLoopIsRefusedWithTheTripThatPausedIt() {
        await(ledger.pause("l", "looks stuck", "alice", T0));
        Refused refused = refused(reserve(new Call("l"), T0 + 1), RefusalReason.LOOP_PAUSED);
        assertEquals(new Trip("l", Breaker.MANUAL, "looks stuck", T0), refused.trip());
        assertEquals("Loop 'l' is paused by the manual breaker: looks stuck", refused.message());
        LoopStatus status = statusAt("l", T0 + 1);
        assertEquals(0, status.reservedNanos());
        assertEquals(0, status.steps());
        assertEquals(0, status.firstCallMillis());
    }

    @Test
    void resumedLoopIsAllowedAgain() {
        await(ledger.pause("l", "why", "alice", T0));
        await(ledger.resume("l", "fixed", "bob", T0 + 1));
        allowed(reserve(new Call("l"), T0 + 2));
    }

    // ---- 3. wall clock ---------------------------------------------------------------------

    @Test
    void wallClockCapTripsOnceTheFirstCallIsThatOld() {
        Call call = new Call("l").limits(new BudgetLimits(0, 0, 0, 1_000, Period.TOTAL));
        allowed(reserve(call, T0));
        allowed(reserve(call, T0 + 999));
        Refused refused = refused(reserve(call, T0 + 1_000), RefusalReason.LOOP_PAUSED);
        assertEquals(new Trip("l", Breaker.WALL_CLOCK, "wall-clock cap of 1000 ms reached: first call 1000 ms ago",
                T0 + 1_000), refused.trip());
        LoopStatus status = statusAt("l", T0 + 1_000);
        assertEquals(LoopState.PAUSED, status.state());
        assertEquals(T0, status.firstCallMillis());
        assertEquals(refused.trip(), status.pausedBy());
        assertEquals(new LoopEvent("trip", Breaker.WALL_CLOCK, refused.trip().reason(), "loopgate", T0 + 1_000),
                status.history().get(0));
    }

    // ---- 4. steps --------------------------------------------------------------------------

    @Test
    void stepCapTripsOnTheCallAfterTheLastAllowedStep() {
        Call call = new Call("l").limits(new BudgetLimits(0, 0, 3, 0, Period.TOTAL));
        for (int step = 0; step < 3; step++) {
            allowed(reserve(call, T0 + step));
        }
        Refused refused = refused(reserve(call, T0 + 3), RefusalReason.LOOP_PAUSED);
        assertEquals(new Trip("l", Breaker.STEP_CAP, "step cap of 3 reached", T0 + 3), refused.trip());
        assertEquals(3, statusAt("l", T0 + 3).steps());
    }

    // ---- 5. no progress --------------------------------------------------------------------

    @Test
    void sameRequestTripsNoProgressOnTheLimitThOccurrenceWithinTheWindow() {
        BreakerSettings three = new BreakerSettings(0, 3, 10_000, 0);
        assertEquals(0, allowed(reserve(new Call("l").hash("h").breakers(three), T0)).repeatCount());
        assertEquals(0, allowed(reserve(new Call("l").hash("other").breakers(three), T0 + 1)).repeatCount());
        assertEquals(1, allowed(reserve(new Call("l").hash("h").breakers(three), T0 + 2)).repeatCount());
        Refused refused = refused(reserve(new Call("l").hash("h").breakers(three), T0 + 3), RefusalReason.LOOP_PAUSED);
        assertEquals(new Trip("l", Breaker.NO_PROGRESS, "same request sent 3 times within 10000 ms (limit 3)", T0 + 3),
                refused.trip());
        assertEquals(cents(30), statusAt("l", T0 + 3).reservedNanos());
    }

    @Test
    void occurrencesAsOldAsTheWindowAreNoLongerCounted() {
        BreakerSettings three = new BreakerSettings(0, 3, 10_000, 0);
        Call call = new Call("l").hash("h").breakers(three);
        assertEquals(0, allowed(reserve(call, T0)).repeatCount());
        assertEquals(1, allowed(reserve(call, T0 + 5_000)).repeatCount());
        assertEquals(1, allowed(reserve(call, T0 + 10_000)).repeatCount());
        assertEquals(1, allowed(reserve(call, T0 + 15_000)).repeatCount());
        assertEquals(Breaker.NO_PROGRESS, refused(reserve(call, T0 + 15_001), RefusalReason.LOOP_PAUSED).trip().breaker());
    }

    @Test
    void repeatCountIsReportedWithTheBreakerOffOverTheDefaultWindow() {
        Call call = new Call("l").hash("h");
        assertEquals(0, allowed(reserve(call, T0)).repeatCount());
        assertEquals(1, allowed(reserve(call, T0 + 1)).repeatCount());
        assertEquals(2, allowed(reserve(call, T0 + 2)).repeatCount());
        assertEquals(0, allowed(reserve(new Call("l"), T0 + 3)).repeatCount());
        assertEquals(0, allowed(reserve(new Call("l").hash(""), T0 + 3)).repeatCount());
        long window = BreakerSettings.DEFAULT_REPEAT_WINDOW_MILLIS;
        assertEquals(2, allowed(reserve(call, T0 + window)).repeatCount());
        assertEquals(1, allowed(reserve(call, T0 + window + 2)).repeatCount());
    }

    @Test
    void onlyTheNewestOccurrencesOfARequestAreRememberedSoAStuckLoopCannotGrowTheStore() {
        Call call = new Call("l").hash("h");
        int beyond = BreakerSettings.MAX_REPEATS_KEPT + 40;
        long last = 0;
        for (int i = 0; i < beyond; i++) {
            last = allowed(reserve(call, T0 + i)).repeatCount();
        }
        assertEquals(BreakerSettings.MAX_REPEATS_KEPT, last);
        assertEquals(BreakerSettings.MAX_REPEATS_KEPT, allowed(reserve(call, T0 + beyond)).repeatCount());
    }

    @Test
    void refusedCallsAreNotCountedAsRepeats() {
        Call big = new Call("l").hash("h").worst(cents(200)).limits(usdLimit(USD));
        refused(reserve(big, T0), RefusalReason.BUDGET_EXCEEDED);
        refused(reserve(big, T0 + 1), RefusalReason.BUDGET_EXCEEDED);
        assertEquals(0, allowed(reserve(new Call("l").hash("h").limits(usdLimit(USD)), T0 + 2)).repeatCount());
    }

    // ---- 6. money and tokens ---------------------------------------------------------------

    @Test
    void callWhoseWorstCaseDoesNotFitIsRefusedWithoutPausing() {
        BudgetLimits dollar = usdLimit(USD);
        allowed(reserve(new Call("l").worst(cents(60)).limits(dollar), T0));
        Refused refused = refused(reserve(new Call("l").worst(cents(50)).limits(dollar), T0 + 1),
                RefusalReason.BUDGET_EXCEEDED);
        assertNull(refused.trip());
        assertEquals("Loop 'l' would exceed its $1 budget: $0 spent and $0.6 reserved", refused.message());
        LoopStatus status = statusAt("l", T0 + 1);
        assertEquals(LoopState.ACTIVE, status.state());
        assertEquals(cents(60), status.reservedNanos());
        assertEquals(1, status.steps());
        allowed(reserve(new Call("l").worst(cents(40)).limits(dollar), T0 + 2));
    }

    @Test
    void reserveAfterTheBudgetIsSpentTripsHardBudget() {
        Reservation held = allowed(reserve(new Call("l").worst(cents(50)), T0)).reservation();
        settle(held, USD, T0 + 1);
        Refused refused = refused(reserve(new Call("l").worst(1).limits(usdLimit(USD)), T0 + 2),
                RefusalReason.LOOP_PAUSED);
        assertEquals(new Trip("l", Breaker.HARD_BUDGET, "spent $1 of the $1 budget", T0 + 2), refused.trip());
    }

    @Test
    void tokenBudgetIsEnforcedLikeMoney() {
        BudgetLimits thousand = new BudgetLimits(0, 1_000, 0, 0, Period.TOTAL);
        Reservation held = allowed(reserve(new Call("l").tokens(600).limits(thousand), T0)).reservation();
        Refused refused = refused(reserve(new Call("l").tokens(401).limits(thousand), T0 + 1), RefusalReason.BUDGET_EXCEEDED);
        assertEquals("Loop 'l' would exceed its 1000 token budget: 0 used and 600 reserved", refused.message());
        await(ledger.settle(held, new Settlement(cents(1), 1_000, false), BudgetLimits.NONE, BreakerSettings.OFF, T0 + 2));
        Refused paused = refused(reserve(new Call("l").tokens(1).limits(thousand), T0 + 3), RefusalReason.LOOP_PAUSED);
        assertEquals(new Trip("l", Breaker.HARD_BUDGET, "used 1000 of the 1000 token budget", T0 + 3), paused.trip());
    }

    // ---- 7. key daily cap ------------------------------------------------------------------

    @Test
    void keyDailyCapRefusesWithoutLeavingAReservationBehind() {
        allowed(reserve(new Call("a").worst(cents(70)).key("k", USD), T0));
        Refused refused = refused(reserve(new Call("b").worst(cents(40)).key("k", USD), T0 + 1),
                RefusalReason.KEY_CAP_EXCEEDED);
        assertEquals("Key 'k' would exceed its $1 daily cap for 2025-06-15: $0.7 spent or reserved", refused.message());
        assertNull(refused.trip());
        LoopStatus b = statusAt("b", T0 + 1);
        assertEquals(0, b.reservedNanos());
        assertEquals(0, b.steps());
        allowed(reserve(new Call("b").worst(cents(30)).key("k", USD), T0 + 2));
        allowed(reserve(new Call("c").worst(cents(90)).key("other", USD), T0 + 2));
    }

    @Test
    void keyCapCountsWhatWasSettledRatherThanTheWorstCase() {
        Reservation held = allowed(reserve(new Call("a").worst(cents(90)).key("k", USD), T0)).reservation();
        assertEquals("2025-06-15", held.keyDay());
        settle(held, cents(20), T0 + 1);
        allowed(reserve(new Call("a").worst(cents(80)).key("k", USD), T0 + 2));
        refused(reserve(new Call("a").worst(1).key("k", USD), T0 + 3), RefusalReason.KEY_CAP_EXCEEDED);
    }

    @Test
    void keyCapStartsAfreshEachUtcDayAndChargesASettleToTheDayOfItsReserve() {
        long lateEvening = clock.set("2025-06-15T23:59:50Z");
        Reservation held = allowed(reserve(new Call("a").worst(cents(90)).key("k", USD), lateEvening)).reservation();
        long nextDay = Instant.parse("2025-06-16T00:00:10Z").toEpochMilli();
        settle(held, cents(90), nextDay);
        allowed(reserve(new Call("a").worst(USD).key("k", USD), nextDay));
        refused(reserve(new Call("b").worst(cents(11)).key("k", USD), lateEvening + 1), RefusalReason.KEY_CAP_EXCEEDED);
    }

    @Test
    void loopRefusalUnderAKeyCapGivesTheKeysHoldBack() {
        refused(reserve(new Call("a").worst(cents(60)).limits(usdLimit(cents(50))).key("k", USD), T0),
                RefusalReason.BUDGET_EXCEEDED);
        allowed(reserve(new Call("b").worst(USD).key("k", USD), T0 + 1));
    }

    @Test
    void pausedLoopIsReportedBeforeAnExceededKeyCap() {
        await(ledger.pause("a", "stop", "alice", T0));
        refused(reserve(new Call("a").worst(cents(200)).key("k", USD), T0 + 1), RefusalReason.LOOP_PAUSED);
        allowed(reserve(new Call("b").worst(USD).key("k", USD), T0 + 2));
    }

    @Test
    void keyCapRefusalLeavesNothingHeldInTheLoop() {
        allowed(reserve(new Call("a").worst(cents(90)).key("k", USD), T0));
        refused(reserve(new Call("b").hash("h").worst(cents(20)).key("k", USD), T0 + 1), RefusalReason.KEY_CAP_EXCEEDED);
        LoopStatus status = statusAt("b", T0 + 2);
        assertEquals(0, status.reservedNanos());
        assertEquals(0, status.steps());
        assertEquals(0, allowed(reserve(new Call("b").hash("h").worst(1), T0 + 3)).repeatCount());
    }

    // ---- 7b. choices and cancel -------------------------------------------------------------

    /** Budget cut at 0.5, repeat cut at 2: cells (low, new) 10c, (low, repeated) 20c, (high, new) 5c, (high, repeated) declined. */
    private static final ReserveChoices BY_FACTS = new ReserveChoices(new double[] {0.5}, new long[] {2},
            new long[] {cents(10), cents(20), cents(5), ReserveChoices.DECLINED}, new long[] {10, 20, 5, 0});

    @Test
    void theLedgerHoldsTheWorstCaseOfTheCellItsFactsFallIn() {
        Call byFacts = new Call("l").hash("h").choices(BY_FACTS).limits(usdLimit(USD));
        Allowed first = allowed(reserve(byFacts, T0));
        assertEquals(0, first.choice());
        assertEquals(cents(10), first.reservation().reservedNanos());
        assertEquals(10, first.reservation().reservedTokens());
        settle(first.reservation(), cents(10), T0 + 1);
        assertEquals(0, allowed(reserve(byFacts, T0 + 2)).choice(), "one earlier occurrence is below the repeat cut");
        Allowed repeated = allowed(reserve(byFacts, T0 + 3));
        assertEquals(1, repeated.choice());
        assertEquals(2, repeated.repeatCount());
        assertEquals(cents(20), repeated.reservation().reservedNanos());
        assertEquals(cents(30), statusAt("l", T0 + 3).reservedNanos(), "the second 10c and the 20c held");
        settle(repeated.reservation(), cents(20), T0 + 4);
        // spent 30c, held 10c: 0.4 is below the budget cut; a 10c more settle takes it to 0.5
        allowed(reserve(new Call("l").worst(cents(10)).limits(usdLimit(USD)), T0 + 5));
        Allowed high = allowed(reserve(new Call("l").hash("other").choices(BY_FACTS).limits(usdLimit(USD)), T0 + 6));
        assertEquals(2, high.choice(), "budget used 0.5 is at the cut");
        assertEquals(0.5, high.budgetUsed(), 1e-12);
        assertEquals(cents(5), high.reservation().reservedNanos());
    }

    @Test
    void aDeclinedCellHoldsNothingAndTakesNoStep() {
        allowed(reserve(new Call("l").worst(cents(60)).limits(usdLimit(USD)), T0));
        Call repeated = new Call("l").hash("h").choices(BY_FACTS).limits(usdLimit(USD));
        for (int i = 1; i <= 2; i++) {
            assertEquals(2, allowed(reserve(repeated, T0 + i)).choice());
        }
        LoopStatus before = statusAt("l", T0 + 3);
        BudgetDecision decision = reserve(repeated, T0 + 3);
        BudgetDecision.Declined declined = assertInstanceOf(BudgetDecision.Declined.class, decision);
        assertEquals(3, declined.choice());
        assertEquals(2, declined.repeatCount());
        assertEquals(0.7, declined.budgetUsed(), 1e-12);
        LoopStatus after = statusAt("l", T0 + 3);
        assertEquals(before.reservedNanos(), after.reservedNanos());
        assertEquals(before.steps(), after.steps());
        assertEquals(2, allowed(reserve(new Call("l").hash("h").worst(1), T0 + 4)).repeatCount(),
                "the declined call is no occurrence");
    }

    @Test
    void cancelUndoesTheHoldTheStepAndTheRepeatAsIfTheReserveWasNeverMade() {
        allowed(reserve(new Call("l").hash("h").worst(cents(30)).key("k", USD), T0));
        Reservation unused = allowed(reserve(new Call("l").hash("h").worst(cents(50)).key("k", USD), T0 + 1))
                .reservation();
        await(ledger.cancel(unused, "h", T0 + 2));
        LoopStatus status = statusAt("l", T0 + 2);
        assertEquals(cents(30), status.reservedNanos());
        assertEquals(1, status.steps());
        assertEquals(1, allowed(reserve(new Call("l").hash("h").worst(1).key("k", USD), T0 + 3)).repeatCount());
        allowed(reserve(new Call("m").worst(cents(70) - 1).key("k", USD), T0 + 4));
        await(ledger.cancel(unused, "h", T0 + 5));
        assertEquals(2, statusAt("l", T0 + 5).steps(), "a second cancel changes nothing");
        settle(unused, cents(50), T0 + 6);
        assertEquals(0, statusAt("l", T0 + 6).spentNanos(), "nor does a settle of what was cancelled");
    }

    // ---- 8. allowed ------------------------------------------------------------------------

    @Test
    void allowedCallHoldsItsWorstCaseAndReportsTheBudgetUsedBeforeIt() {
        BudgetLimits dollar = usdLimit(USD);
        Allowed first = allowed(reserve(new Call("l").worst(cents(25)).tokens(300).limits(dollar).key("k", 0), T0));
        assertEquals(0, first.budgetUsed());
        assertEquals(new Reservation(first.reservation().id(), "l", "k", cents(25), 300, T0 + TTL, "total", null),
                first.reservation());
        settle(first.reservation(), cents(20), T0 + 1);
        Allowed second = allowed(reserve(new Call("l").worst(cents(30)).limits(dollar), T0 + 2));
        assertEquals(0.2, second.budgetUsed(), 1e-9);
        assertEquals(0.5, allowed(reserve(new Call("l").limits(dollar), T0 + 3)).budgetUsed(), 1e-9);
        assertEquals(0, allowed(reserve(new Call("free"), T0 + 3)).budgetUsed());
        LoopStatus status = statusAt("l", T0 + 3);
        assertEquals(cents(20), status.spentNanos());
        assertEquals(cents(40), status.reservedNanos());
        assertEquals(300, status.tokens());
        assertEquals(3, status.steps());
        assertEquals(T0, status.firstCallMillis());
    }

    @Test
    void peekReportsWhatAReserveWouldWithoutHoldingAnything() {
        BudgetLimits dollar = usdLimit(USD);
        assertEquals(new LoopFacts(null, 0, 0), await(ledger.peek("l", "h", dollar, BreakerSettings.OFF, T0)));
        allowed(reserve(new Call("l").hash("h").worst(cents(40)).limits(dollar), T0));
        LoopFacts facts = await(ledger.peek("l", "h", dollar, BreakerSettings.OFF, T0 + 1));
        assertEquals(0.4, facts.budgetUsed(), 1e-9);
        assertEquals(1, facts.repeatCount());
        assertNull(facts.pausedBy());
        assertEquals(1, await(ledger.peek("l", "h", dollar, BreakerSettings.OFF, T0 + 2)).repeatCount());
        assertEquals(1, statusAt("l", T0 + 2).steps());
        LoopStatus paused = await(ledger.pause("l", "stop", "alice", T0 + 3));
        assertEquals(paused.pausedBy(), await(ledger.peek("l", null, dollar, BreakerSettings.OFF, T0 + 4)).pausedBy());
    }

    // ---- settle ----------------------------------------------------------------------------

    @Test
    void settleChargesTheActualCostExactlyOnce() {
        Reservation held = allowed(reserve(new Call("l").worst(cents(50)), T0)).reservation();
        assertEquals(new SettleResult(cents(30), null), settle(held, cents(30), T0 + 1));
        assertEquals(new SettleResult(cents(30), null), settle(held, cents(30), T0 + 2));
        LoopStatus status = statusAt("l", T0 + 2);
        assertEquals(cents(30), status.spentNanos());
        assertEquals(0, status.reservedNanos());
    }

    @Test
    void overrunIsChargedInFull() {
        Reservation held = allowed(reserve(new Call("l").worst(cents(10)).tokens(100), T0)).reservation();
        await(ledger.settle(held, new Settlement(cents(25), 250, false), BudgetLimits.NONE, BreakerSettings.OFF, T0 + 1));
        LoopStatus status = statusAt("l", T0 + 1);
        assertEquals(cents(25), status.spentNanos());
        assertEquals(250, status.tokens());
        assertEquals(0, status.reservedNanos());
    }

    @Test
    void settlingAnUnknownReservationChargesNothing() {
        Reservation held = allowed(reserve(new Call("l").worst(cents(10)), T0)).reservation();
        Reservation unknown = new Reservation("no-such-id", "l", null, cents(10), 100, T0 + TTL, "total", null);
        assertEquals(new SettleResult(0, null), settle(unknown, cents(10), T0 + 1));
        Reservation elsewhere = new Reservation("no-such-id", "never-seen", null, cents(10), 100, T0 + TTL, "total", null);
        assertEquals(new SettleResult(0, null), settle(elsewhere, cents(10), T0 + 1));
        assertEquals(cents(10), statusAt("l", T0 + 1).reservedNanos());
        settle(held, cents(10), T0 + 2);
    }

    // ---- breakers at settle ----------------------------------------------------------------

    @Test
    void spendRateTripsWhenMoreThanTheLimitIsSettledWithinAMinute() {
        BreakerSettings dollarPerMinute = new BreakerSettings(USD, 0, 0, 0);
        assertNull(settleWith(dollarPerMinute, cents(50), T0).trip());
        assertNull(settleWith(dollarPerMinute, cents(50), T0 + 30_000).trip());
        SettleResult tripped = settleWith(dollarPerMinute, cents(10), T0 + 59_999);
        assertEquals(new Trip("l", Breaker.SPEND_RATE, "$1.1 settled in the last 60 s, over the limit of $1 per minute",
                T0 + 59_999), tripped.trip());
        assertEquals(tripped.trip(), refused(reserve(new Call("l"), T0 + 60_000), RefusalReason.LOOP_PAUSED).trip());
    }

    @Test
    void spendOlderThanAMinuteDoesNotCountTowardsTheRate() {
        BreakerSettings dollarPerMinute = new BreakerSettings(USD, 0, 0, 0);
        assertNull(settleWith(dollarPerMinute, cents(60), T0).trip());
        assertNull(settleWith(dollarPerMinute, cents(60), T0 + 60_000).trip());
        assertNull(settleWith(dollarPerMinute, cents(40), T0 + 60_001).trip());
        assertEquals(Breaker.SPEND_RATE, settleWith(dollarPerMinute, 1, T0 + 60_002).trip().breaker());
    }

    @Test
    void theSpendRateWindowSlidesSecondBySecondAndForgetsAnIdleMinute() {
        BreakerSettings dollarPerMinute = new BreakerSettings(USD, 0, 0, 0);
        long at = T0;
        for (int i = 0; i < 18; i++, at += 10_000) {
            assertNull(settleWith(dollarPerMinute, cents(15), at).trip(), "six 15c settles fit in a minute, call " + i);
        }
        at += 120_000;
        assertNull(settleWith(dollarPerMinute, cents(95), at).trip(), "the spend before the idle gap is gone");
        assertEquals(Breaker.SPEND_RATE, settleWith(dollarPerMinute, cents(6), at + 59_000).trip().breaker());
    }

    @Test
    void consecutiveUpstreamFailuresTripAndASuccessResetsTheCount() {
        BreakerSettings three = new BreakerSettings(0, 0, 0, 3);
        assertNull(failWith(three, true, T0).trip());
        assertNull(failWith(three, true, T0 + 1).trip());
        assertNull(failWith(three, false, T0 + 2).trip());
        assertNull(failWith(three, true, T0 + 3).trip());
        assertNull(failWith(three, true, T0 + 4).trip());
        assertEquals(new Trip("l", Breaker.UPSTREAM_FAILURES, "3 consecutive upstream failures (limit 3)", T0 + 5),
                failWith(three, true, T0 + 5).trip());
        assertEquals(LoopState.PAUSED, statusAt("l", T0 + 5).state());
    }

    @Test
    void settleThatSpendsTheBudgetTripsHardBudget() {
        BudgetLimits dollar = usdLimit(USD);
        Reservation first = allowed(reserve(new Call("l").worst(cents(50)).limits(dollar), T0)).reservation();
        Reservation second = allowed(reserve(new Call("l").worst(cents(50)).limits(dollar), T0)).reservation();
        SettleResult notYet = await(ledger.settle(first, new Settlement(cents(50), 10, false), dollar, BreakerSettings.OFF, T0 + 1));
        assertEquals(new SettleResult(cents(50), null), notYet);
        SettleResult spent = await(ledger.settle(second, new Settlement(cents(50), 10, false), dollar, BreakerSettings.OFF, T0 + 2));
        assertEquals(new SettleResult(USD, new Trip("l", Breaker.HARD_BUDGET, "spent $1 of the $1 budget", T0 + 2)), spent);
        assertEquals(spent.trip(), statusAt("l", T0 + 2).pausedBy());
    }

    @Test
    void settlesOfAPausedLoopTripNothingMore() {
        Reservation held = allowed(reserve(new Call("l"), T0)).reservation();
        await(ledger.pause("l", "stop", "alice", T0 + 1));
        SettleResult result = await(ledger.settle(held, new Settlement(USD, 10, true), usdLimit(cents(50)),
                new BreakerSettings(cents(1), 0, 0, 1), T0 + 2));
        assertNull(result.trip());
        LoopStatus status = statusAt("l", T0 + 2);
        assertEquals(Breaker.MANUAL, status.pausedBy().breaker());
        assertEquals(1, status.history().size());
    }

    // ---- charge (spend settled elsewhere) ---------------------------------------------------

    @Test
    void chargeAddsSpendAndTokensWithoutHoldingOrTakingAStep() {
        assertEquals(new SettleResult(cents(30), null), await(ledger.charge("l", "total", cents(30), 50, usdLimit(USD), T0)));
        LoopStatus status = statusAt("l", T0);
        assertEquals(cents(30), status.spentNanos());
        assertEquals(50, status.tokens());
        assertEquals(0, status.reservedNanos());
        assertEquals(0, status.steps());
        assertEquals(0, status.firstCallMillis());
        assertEquals(List.of("l"), await(ledger.loops()).stream().map(LoopStatus::loopId).toList());
        assertEquals(0.3, allowed(reserve(new Call("l").worst(cents(10)).limits(usdLimit(USD)), T0 + 1)).budgetUsed(), 1e-9);
    }

    @Test
    void chargeToAnEarlierDayCountsInThatDayOnly() {
        BudgetLimits daily = usdLimit(USD, Period.DAY);
        assertEquals(new SettleResult(0, null), await(ledger.charge("l", "d:2025-06-14", cents(80), 10, daily, T0)));
        assertEquals(0, statusAt("l", T0).spentNanos());
        assertEquals(cents(80), statusAt("l", Instant.parse("2025-06-14T23:00:00Z").toEpochMilli()).spentNanos(),
                "status shows the day bucket: the charge counts as a use of the loop's DAY period");
        allowed(reserve(new Call("l").worst(USD).limits(daily), T0 + 1));
    }

    @Test
    void chargeThatSpendsTheBudgetTripsHardBudget() {
        assertNull(await(ledger.charge("l", "total", cents(60), 0, usdLimit(USD), T0)).trip());
        Trip trip = new Trip("l", Breaker.HARD_BUDGET, "spent $1 of the $1 budget", T0 + 1);
        assertEquals(new SettleResult(USD, trip), await(ledger.charge("l", "total", cents(40), 0, usdLimit(USD), T0 + 1)));
        LoopStatus status = statusAt("l", T0 + 1);
        assertEquals(trip, status.pausedBy());
        assertEquals(new LoopEvent("trip", Breaker.HARD_BUDGET, trip.reason(), "loopgate", T0 + 1), status.history().get(0));
        refused(reserve(new Call("l").limits(usdLimit(USD)), T0 + 2), RefusalReason.LOOP_PAUSED);
    }

    @Test
    void chargeTripsOnTokensAndNamesThePeriod() {
        BudgetLimits tokens = new BudgetLimits(0, 100, 0, 0, Period.DAY);
        assertEquals(new Trip("l", Breaker.HARD_BUDGET, "used 100 of the 100 token budget for 2025-06-15", T0),
                await(ledger.charge("l", "d:2025-06-15", 0, 100, tokens, T0)).trip());
    }

    @Test
    void chargeFollowsTheAdminOverrideAndTripsNothingMoreOnAPausedLoop() {
        await(ledger.setLimits("l", usdLimit(cents(50))));
        assertEquals("spent $0.5 of the $0.5 budget",
                await(ledger.charge("l", "total", cents(50), 0, usdLimit(USD), T0)).trip().reason());
        assertEquals(new SettleResult(USD, null), await(ledger.charge("l", "total", cents(50), 0, usdLimit(USD), T0 + 1)));
        assertEquals(1, statusAt("l", T0 + 1).history().size());
    }

    @Test
    void chargeExpiresTheLoopsOverdueReservationsFirst() {
        allowed(reserve(new Call("l").worst(cents(40)), T0));
        assertEquals(cents(50), await(ledger.charge("l", "total", cents(10), 0, BudgetLimits.NONE, T0 + TTL)).spentNanos());
        assertEquals(1, statusAt("l", T0 + TTL).expiredReservations());
    }

    @Test
    void chargeRefusesAMalformedBucketOrAmountAtOnce() {
        for (String bucket : Arrays.asList(null, "", "week", "d:2025-6-15", "d:2025-02-30", "m:2025-13", "b:total")) {
            assertThrows(IllegalArgumentException.class,
                    () -> ledger.charge("l", bucket, 1, 0, BudgetLimits.NONE, T0), String.valueOf(bucket));
        }
        assertThrows(IllegalArgumentException.class, () -> ledger.charge("l", "total", -1, 0, BudgetLimits.NONE, T0));
        assertThrows(IllegalArgumentException.class, () -> ledger.charge("l{x}", "total", 1, 0, BudgetLimits.NONE, T0));
    }

    // ---- pause, resume, override -----------------------------------------------------------

    @Test
    void pauseAndResumeAreRecordedNewestFirst() {
        LoopStatus paused = await(ledger.pause("l", "looks stuck | 50% done", "ali|ce", T0));
        assertEquals(LoopState.PAUSED, paused.state());
        assertEquals(new Trip("l", Breaker.MANUAL, "looks stuck | 50% done", T0), paused.pausedBy());
        LoopStatus resumed = await(ledger.resume("l", "fixed %7C", "bob", T0 + 1));
        assertEquals(LoopState.ACTIVE, resumed.state());
        assertNull(resumed.pausedBy());
        assertEquals(List.of(new LoopEvent("resume", null, "fixed %7C", "bob", T0 + 1),
                new LoopEvent("pause", Breaker.MANUAL, "looks stuck | 50% done", "ali|ce", T0)), resumed.history());
        assertEquals(resumed, statusAt("l", T0 + 1));
    }

    @Test
    void pausingAPausedLoopOrResumingAnActiveOneChangesNothing() {
        await(ledger.resume("l", "nothing to resume", "bob", T0));
        await(ledger.pause("l", "first", "alice", T0 + 1));
        LoopStatus again = await(ledger.pause("l", "second", "carol", T0 + 2));
        assertEquals("first", again.pausedBy().reason());
        assertEquals(1, again.history().size());
    }

    @Test
    void historyKeepsTheFiftyNewestEvents() {
        for (int i = 0; i < 30; i++) {
            await(ledger.pause("l", "pause " + i, "alice", T0 + 2 * i));
            await(ledger.resume("l", "resume " + i, "bob", T0 + 2 * i + 1));
        }
        List<LoopEvent> history = statusAt("l", T0 + 60).history();
        assertEquals(LoopStatus.HISTORY_SIZE, history.size());
        assertEquals("resume 29", history.get(0).reason());
        assertEquals("pause 5", history.get(49).reason());
    }

    @Test
    void resumeClearsTheBreakersEvidenceButNotTheCaps() {
        BreakerSettings breakers = new BreakerSettings(0, 2, 10_000, 2);
        failWith(breakers, true, T0);
        assertEquals(Breaker.UPSTREAM_FAILURES, failWith(breakers, true, T0 + 1).trip().breaker());
        await(ledger.resume("l", "provider is back", "bob", T0 + 2));
        assertNull(failWith(breakers, true, T0 + 3).trip());
        allowed(reserve(new Call("l").hash("x").breakers(breakers), T0 + 4));
        assertEquals(Breaker.NO_PROGRESS, refused(reserve(new Call("l").hash("x").breakers(breakers), T0 + 5),
                RefusalReason.LOOP_PAUSED).trip().breaker());
        await(ledger.resume("l", "try again", "bob", T0 + 6));
        assertEquals(0, allowed(reserve(new Call("l").hash("x").breakers(breakers), T0 + 7)).repeatCount());

        Call capped = new Call("capped").limits(new BudgetLimits(0, 0, 1, 0, Period.TOTAL));
        allowed(reserve(capped, T0));
        refused(reserve(capped, T0 + 1), RefusalReason.LOOP_PAUSED);
        await(ledger.resume("capped", "one more", "bob", T0 + 2));
        assertEquals(Breaker.STEP_CAP, refused(reserve(capped, T0 + 3), RefusalReason.LOOP_PAUSED).trip().breaker());
    }

    @Test
    void adminOverrideReplacesTheConfiguredLimitsUntilDropped() {
        BudgetLimits configured = usdLimit(USD);
        BudgetLimits raised = new BudgetLimits(2 * USD, 0, 0, 0, Period.TOTAL);
        await(ledger.setLimits("l", raised));
        Allowed allowed = allowed(reserve(new Call("l").worst(cents(150)).limits(configured), T0));
        assertEquals(raised, statusAt("l", T0).override());
        assertNull(await(ledger.settle(allowed.reservation(), new Settlement(cents(150), 1, false), configured,
                BreakerSettings.OFF, T0 + 1)).trip());
        await(ledger.setLimits("l", null));
        assertNull(statusAt("l", T0 + 1).override());
        assertEquals(Breaker.HARD_BUDGET, refused(reserve(new Call("l").worst(1).limits(configured), T0 + 2),
                RefusalReason.LOOP_PAUSED).trip().breaker());
    }

    // ---- periods ---------------------------------------------------------------------------

    @Test
    void dayBudgetStartsAfreshAtUtcMidnight() {
        BudgetLimits dollarADay = new BudgetLimits(USD, 0, 3, 0, Period.DAY);
        long lastMilli = clock.set("2025-03-31T23:59:59.999Z");
        Allowed evening = allowed(reserve(new Call("l").worst(cents(80)).limits(dollarADay), lastMilli));
        assertEquals("d:2025-03-31", evening.reservation().bucket());
        settle(evening.reservation(), cents(80), lastMilli);
        assertEquals("Loop 'l' would exceed its $1 budget for 2025-03-31: $0.8 spent and $0 reserved",
                refused(reserve(new Call("l").worst(cents(30)).limits(dollarADay), lastMilli), RefusalReason.BUDGET_EXCEEDED)
                        .message());
        long midnight = clock.set("2025-04-01T00:00:00Z");
        Allowed morning = allowed(reserve(new Call("l").worst(cents(30)).limits(dollarADay), midnight));
        assertEquals("d:2025-04-01", morning.reservation().bucket());
        assertEquals(0, morning.budgetUsed());
        LoopStatus status = status("l");
        assertEquals(0, status.spentNanos());
        assertEquals(cents(30), status.reservedNanos());
        assertEquals(2, status.steps());
        allowed(reserve(new Call("l").limits(dollarADay), midnight + 1));
        assertEquals(Breaker.STEP_CAP, refused(reserve(new Call("l").limits(dollarADay), midnight + 2),
                RefusalReason.LOOP_PAUSED).trip().breaker());
    }

    @Test
    void monthBudgetStartsAfreshOnTheFirst() {
        BudgetLimits dollarAMonth = usdLimit(USD, Period.MONTH);
        long early = clock.set("2025-03-01T00:00:00Z");
        settle(allowed(reserve(new Call("l").worst(cents(50)).limits(dollarAMonth), early)).reservation(), cents(50), early);
        long late = clock.set("2025-03-31T23:59:59Z");
        Allowed allowed = allowed(reserve(new Call("l").worst(cents(40)).limits(dollarAMonth), late));
        assertEquals("m:2025-03", allowed.reservation().bucket());
        assertEquals(0.5, allowed.budgetUsed(), 1e-9);
        await(ledger.settle(allowed.reservation(), new Settlement(cents(50), 1, false), dollarAMonth, BreakerSettings.OFF,
                late));
        assertEquals(new Trip("l", Breaker.HARD_BUDGET, "spent $1 of the $1 budget for 2025-03", late),
                statusAt("l", late).pausedBy());
        await(ledger.resume("l", "new month", "bob", late + 1));
        long april = clock.set("2025-04-01T00:00:00Z");
        assertEquals(0, allowed(reserve(new Call("l").worst(cents(90)).limits(dollarAMonth), april)).budgetUsed());
    }

    @Test
    void reservationMadeBeforeMidnightIsChargedToItsOwnDay() {
        BudgetLimits dollarADay = new BudgetLimits(USD, 0, 0, 0, Period.DAY);
        long evening = clock.set("2025-06-15T23:59:50Z");
        Reservation held = allowed(reserve(new Call("l").worst(cents(90)).limits(dollarADay), evening)).reservation();
        long morning = clock.set("2025-06-16T00:00:10Z");
        SettleResult result = await(ledger.settle(held, new Settlement(cents(90), 1, false), dollarADay,
                BreakerSettings.OFF, morning));
        assertEquals(new SettleResult(0, null), result);
        assertEquals(0, status("l").spentNanos());
        allowed(reserve(new Call("l").worst(cents(90)).limits(dollarADay), morning));
        clock.set(evening);
        assertEquals(cents(90), status("l").spentNanos());
        assertEquals(0, status("l").reservedNanos());
    }

    @Test
    void totalBudgetDoesNotReset() {
        BudgetLimits dollar = usdLimit(USD);
        long day1 = clock.set("2025-03-31T12:00:00Z");
        settle(allowed(reserve(new Call("l").worst(cents(60)).limits(dollar), day1)).reservation(), cents(60), day1);
        long day2 = clock.set("2025-04-01T12:00:00Z");
        refused(reserve(new Call("l").worst(cents(50)).limits(dollar), day2), RefusalReason.BUDGET_EXCEEDED);
        assertEquals(cents(60), status("l").spentNanos());
    }

    // ---- status and loops ------------------------------------------------------------------

    @Test
    void unknownLoopIsActiveWithZeros() {
        assertEquals(LoopStatus.unknown("nobody"), status("nobody"));
        assertEquals(List.of(), await(ledger.loops()));
    }

    @Test
    void loopsListsPausedLoopsFirstThenBySpend() {
        spend("a", cents(10));
        spend("b", cents(50));
        spend("c", cents(5));
        spend("d", cents(30));
        spend("e", cents(40));
        await(ledger.pause("c", "stop", "alice", T0));
        await(ledger.pause("a", "stop", "alice", T0));
        List<String> order = await(ledger.loops()).stream().map(LoopStatus::loopId).toList();
        assertEquals(List.of("a", "c", "b", "e", "d"), order);
    }

    // ---- concurrency -----------------------------------------------------------------------

    @Test
    void concurrentReservesNeverOverspend() throws Exception {
        raceToReserve(List.of(ledger), "race");
    }

    /**
     * 200 threads, spread over {@code ledgers}, reserve at once against a budget that fits
     * exactly 37 worst cases: exactly 37 are allowed; settled at their reserved amount, the
     * loop has spent exactly its budget.
     */
    protected void raceToReserve(List<BudgetLedger> ledgers, String loopId) throws Exception {
        int fits = 37;
        long cost = cents(3) + 7;
        BudgetLimits limits = usdLimit(fits * cost);
        List<Reservation> held = Collections.synchronizedList(new ArrayList<>());
        List<RefusalReason> refusals = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(200);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                BudgetLedger on = ledgers.get(i % ledgers.size());
                done.add(threads.submit(() -> {
                    start.await();
                    BudgetDecision decision = await(on.reserve(new Call(loopId).worst(cost).limits(limits).at(T0)));
                    if (decision instanceof Allowed allowed) {
                        held.add(allowed.reservation());
                    } else {
                        refusals.add(((Refused) decision).reason());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> each : done) {
                each.get(30, TimeUnit.SECONDS);
            }
            assertEquals(fits, held.size());
            assertEquals(Collections.nCopies(200 - fits, RefusalReason.BUDGET_EXCEEDED), refusals);

            List<Future<?>> settled = new ArrayList<>();
            for (int i = 0; i < held.size(); i++) {
                BudgetLedger on = ledgers.get(i % ledgers.size());
                Reservation reservation = held.get(i);
                settled.add(threads.submit(() -> await(on.settle(reservation, new Settlement(cost, 100, false),
                        BudgetLimits.NONE, BreakerSettings.OFF, T0 + 1))));
            }
            for (Future<?> each : settled) {
                each.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        LoopStatus status = statusAt(loopId, T0 + 1);
        assertEquals(fits * cost, status.spentNanos());
        assertTrue(status.spentNanos() <= limits.usdNanos());
        assertEquals(0, status.reservedNanos());
        assertEquals(fits, status.steps());
    }

    // ---- helpers ---------------------------------------------------------------------------

    static long cents(long cents) {
        return cents * 10_000_000L;
    }

    static BudgetLimits usdLimit(long nanos) {
        return usdLimit(nanos, Period.TOTAL);
    }

    static BudgetLimits usdLimit(long nanos, Period period) {
        return new BudgetLimits(nanos, 0, 0, 0, period);
    }

    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("ledger call failed: " + e, e);
        }
    }

    BudgetDecision reserve(Call call, long nowMillis) {
        return await(ledger.reserve(call.at(nowMillis)));
    }

    static Allowed allowed(BudgetDecision decision) {
        return assertInstanceOf(Allowed.class, decision);
    }

    static Refused refused(BudgetDecision decision, RefusalReason reason) {
        Refused refused = assertInstanceOf(Refused.class, decision);
        assertEquals(reason, refused.reason(), refused.message());
        return refused;
    }

    SettleResult settle(Reservation reservation, long actualNanos, long nowMillis) {
        return await(ledger.settle(reservation, new Settlement(actualNanos, reservation.reservedTokens(), false),
                BudgetLimits.NONE, BreakerSettings.OFF, nowMillis));
    }

    /** Reserves and settles {@code actualNanos} on loop "l" at {@code nowMillis} under {@code breakers}. */
    SettleResult settleWith(BreakerSettings breakers, long actualNanos, long nowMillis) {
        Reservation held = allowed(reserve(new Call("l").worst(actualNanos), nowMillis)).reservation();
        return await(ledger.settle(held, new Settlement(actualNanos, 1, false), BudgetLimits.NONE, breakers, nowMillis));
    }

    /** Reserves and settles a call on loop "l" that failed upstream or not. */
    SettleResult failWith(BreakerSettings breakers, boolean failed, long nowMillis) {
        Reservation held = allowed(reserve(new Call("l"), nowMillis)).reservation();
        return await(ledger.settle(held, new Settlement(failed ? 0 : cents(1), 0, failed), BudgetLimits.NONE, breakers,
                nowMillis));
    }

    void spend(String loopId, long nanos) {
        settle(allowed(reserve(new Call(loopId).worst(nanos), T0)).reservation(), nanos, T0);
    }

    LoopStatus status(String loopId) {
        return await(ledger.status(loopId));
    }

    LoopStatus statusAt(String loopId, long nowMillis) {
        clock.set(nowMillis);
        return status(loopId);
    }
}

package dev.loopgate.budgets.ledger;

import static dev.loopgate.budgets.ledger.BudgetLedgerContract.T0;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.TTL;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.USD;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.allowed;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.await;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.cents;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.refused;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.usdLimit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.ledger.BudgetDecision.Refused;
import dev.loopgate.budgets.ledger.internal.InMemoryBudgetLedger;
import dev.loopgate.budgets.ledger.internal.SlicedBudgetLedger;
import dev.loopgate.budgets.testkit.Await;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code on_redis_down: allow}: the slice, the replay into the primary, the fresh slice (docs/budgets.md). */
class SlicedBudgetLedgerTest {
    private static final BudgetLimits DOLLAR = usdLimit(USD);
    private static final long MILLI = USD / 1000;

    private final TestClock clock = new TestClock(T0);
    private final ExecutorService completer = Executors.newFixedThreadPool(4);
    private SwitchableLedger primary = new SwitchableLedger(new InMemoryBudgetLedger(TTL, clock), null);
    private SlicedBudgetLedger ledger = new SlicedBudgetLedger(primary, 0.1, TTL, clock);
    private final List<Trip> reported = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        ledger.close();
        completer.shutdownNow();
    }

    @Test
    void outageIsServedFromTheSliceAndRefusedPastIt() {
        primary.down();
        Reservation held = allowed(reserve(new Call("l").worst(cents(6)).limits(DOLLAR), T0)).reservation();
        assertTrue(held.id().startsWith(SlicedBudgetLedger.LOCAL_PREFIX), held.id());
        assertTrue(ledger.usingLocalSlice());
        Refused refused = refused(reserve(new Call("l").worst(cents(5)).limits(DOLLAR), T0 + 1),
                RefusalReason.BUDGET_EXCEEDED);
        assertEquals("Loop 'l' would exceed its $0.1 budget: $0 spent and $0.06 reserved", refused.message());
        allowed(reserve(new Call("l").worst(cents(4)).limits(DOLLAR), T0 + 2));

        primary.up();
        assertEquals(0, await(primary.real().status("l")).steps(), "nothing reached the primary");
        allowed(reserve(new Call("l").worst(cents(50)).limits(DOLLAR), T0 + 3));
        assertFalse(ledger.usingLocalSlice());
    }

    @Test
    void spentSliceIsRefusedAsBudgetExceededWithoutATrip() {
        primary.down();
        Reservation held = allowed(reserve(new Call("l").worst(cents(10)).limits(DOLLAR), T0)).reservation();
        assertEquals(new SettleResult(cents(12), null), settle(held, cents(12), T0 + 1), "the overrun trips nothing");
        Refused refused = refused(reserve(new Call("l").worst(1).limits(DOLLAR), T0 + 2), RefusalReason.BUDGET_EXCEEDED);
        assertEquals("Loop 'l' has used the part of its budget this gateway may spend while the budget store is"
                + " unreachable", refused.message());
        assertNull(refused.trip());
        LoopFacts facts = await(ledger.peek("l", null, DOLLAR, BreakerSettings.OFF, T0 + 3));
        assertNull(facts.pausedBy());
        assertEquals(1.2, facts.budgetUsed(), 1e-9);
    }

    @Test
    void everyLimitIsScaledDownButASetLimitNeverBecomesUnlimited() {
        primary.down();
        Call threeSteps = new Call("steps").limits(new BudgetLimits(0, 0, 3, 0, Period.TOTAL));
        allowed(reserve(threeSteps, T0));
        refused(reserve(threeSteps, T0 + 1), RefusalReason.BUDGET_EXCEEDED);
        Call fiveNanos = new Call("usd").limits(usdLimit(5));
        refused(reserve(fiveNanos.worst(2), T0), RefusalReason.BUDGET_EXCEEDED);
        allowed(reserve(fiveNanos.worst(1), T0));
        Call fiveTokens = new Call("tokens").worst(0).limits(new BudgetLimits(0, 5, 0, 0, Period.TOTAL));
        refused(reserve(fiveTokens.tokens(2), T0), RefusalReason.BUDGET_EXCEEDED);
        allowed(reserve(fiveTokens.tokens(1), T0));
        Call keyCapped = new Call("key").key("k", USD);
        refused(reserve(keyCapped.worst(cents(11)), T0), RefusalReason.KEY_CAP_EXCEEDED);
        allowed(reserve(keyCapped.worst(cents(10)), T0));

        Call wallClock = new Call("wall").limits(new BudgetLimits(0, 0, 0, 1_000, Period.TOTAL));
        allowed(reserve(wallClock, T0));
        allowed(reserve(wallClock, T0 + 999));
        assertEquals(Breaker.WALL_CLOCK, refused(reserve(wallClock, T0 + 1_000), RefusalReason.LOOP_PAUSED).trip().breaker());
    }

    @Test
    void spendFromTheSliceSurvivesARestartOfTheReplicaAndIsReplayedOnce(@TempDir Path spool) throws Exception {
        ledger.close();
        ledger = new SlicedBudgetLedger(primary, 0.1, TTL, clock, spool);
        primary.down();
        for (int i = 0; i < 3; i++) {
            Reservation local = allowed(reserve(new Call("l").worst(cents(2)).limits(DOLLAR), T0 + i)).reservation();
            settle(local, cents(2), T0 + i);
        }
        assertEquals(3, ledger.pendingReplays());
        ledger.close(); // the replica stops with its spend not yet in the primary

        ledger = new SlicedBudgetLedger(primary, 0.1, TTL, clock, spool);
        assertEquals(3, ledger.pendingReplays(), "the next run of the replica finds the queue on disk");
        primary.up();
        assertEquals(0, await(ledger.reconcile()));
        assertEquals(cents(6), await(primary.real().status("l")).spentNanos(), "charged in the primary, once");
        ledger.close();

        ledger = new SlicedBudgetLedger(primary, 0.1, TTL, clock, spool);
        assertEquals(0, ledger.pendingReplays(), "what was replayed is not replayed again");
        assertEquals(cents(6), await(primary.real().status("l")).spentNanos());
    }

    @Test
    void localReservationsSettleLocallyAndPrimaryOnesFailWhileDown() {
        Reservation inPrimary = allowed(reserve(new Call("l").worst(cents(30)), T0)).reservation();
        primary.down();
        Reservation local = allowed(reserve(new Call("l").worst(cents(3)).limits(DOLLAR), T0 + 1)).reservation();
        Await.failure(ledger.settle(inPrimary, new Settlement(cents(20), 10, false), DOLLAR, BreakerSettings.OFF, T0 + 2));

        primary.up();
        assertEquals(new SettleResult(cents(2), null), settle(local, cents(2), T0 + 3), "the slice's spend");
        assertEquals(0, await(ledger.reconcile()));
        assertEquals(cents(2), primarySpent("l"));
        assertEquals(new SettleResult(cents(22), null), settle(inPrimary, cents(20), T0 + 4));
    }

    @Test
    void recoveryReplaysEachChargeIntoThePrimaryExactlyOnce() {
        primary.down();
        BudgetLimits daily = usdLimit(USD, Period.DAY);
        spend(new Call("a").limits(daily), cents(1), T0);
        spend(new Call("a").limits(daily), cents(2), T0 + 1);
        spend(new Call("b"), cents(3), T0 + 2);
        allowed(reserve(new Call("b").worst(cents(4)), T0 + 3));
        assertEquals(1, await(ledger.expireReservations(T0 + 3 + TTL)), "the primary fails: only the slice's count");
        assertEquals(4, ledger.pendingReplays());

        primary.up();
        clock.set(T0 + 3 + TTL);
        await(ledger.status("a"));
        assertEquals(0, ledger.pendingReplays(), "any call the primary answers starts the replay");
        assertEquals(cents(3), primarySpent("a"));
        assertEquals(cents(7), primarySpent("b"));
        assertEquals(4, primary.charges());
        assertEquals(0, await(ledger.reconcile()));
        assertEquals(4, primary.charges(), "nothing is replayed twice");
    }

    @Test
    void primaryFailingMidReplayLeavesTheRestQueuedAndChargesNothingTwice() {
        primary.down();
        for (int i = 1; i <= 5; i++) {
            spend(new Call("l"), i * MILLI, T0 + i);
        }
        primary.upForCharges(2);
        assertEquals(3, await(ledger.reconcile()));
        assertEquals((1 + 2) * MILLI, primarySpent("l"));
        primary.upForCharges(1);
        assertEquals(2, await(ledger.reconcile()));
        primary.up();
        assertEquals(0, await(ledger.reconcile()));
        assertEquals(15 * MILLI, primarySpent("l"));
        assertEquals(5, primary.charges());
    }

    @Test
    void concurrentReconcilesReplayEachChargeOnce() throws Exception {
        primary = new SwitchableLedger(new InMemoryBudgetLedger(TTL, clock), completer);
        ledger = new SlicedBudgetLedger(primary, 0.1, TTL, clock);
        primary.down();
        for (int i = 0; i < 300; i++) {
            spend(new Call("l" + i % 3), i + 1, T0);
        }
        primary.up();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                runs.add(CompletableFuture.supplyAsync(() -> ledger.reconcile(), callers)
                        .thenCompose(stage -> stage));
            }
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }
        Await.until("every charge replayed", () -> ledger.pendingReplays() == 0);
        assertEquals(300, primary.charges());
        long total = primarySpent("l0") + primarySpent("l1") + primarySpent("l2");
        assertEquals(300L * 301 / 2, total);
    }

    @Test
    void tripsCausedByTheReplayAreReported() {
        ledger.onTrip(reported::add);
        spend(new Call("l").limits(DOLLAR), cents(95), T0);
        primary.down();
        spend(new Call("l").limits(DOLLAR), cents(8), T0 + 1);
        assertEquals(List.of(), reported);

        primary.up();
        clock.set(T0 + 2);
        assertEquals(0, await(ledger.reconcile()));
        Trip trip = new Trip("l", Breaker.HARD_BUDGET, "spent $1.03 of the $1 budget", T0 + 2);
        assertEquals(List.of(trip), reported);
        assertEquals(trip, await(ledger.status("l")).pausedBy());
        refused(reserve(new Call("l").limits(DOLLAR), T0 + 3), RefusalReason.LOOP_PAUSED);
    }

    @Test
    void theNextOutageStartsAFreshSlice() {
        primary.down();
        spend(new Call("l").limits(DOLLAR), cents(10), T0);
        refused(reserve(new Call("l").worst(1).limits(DOLLAR), T0 + 1), RefusalReason.BUDGET_EXCEEDED);
        primary.up();
        assertEquals(0, await(ledger.reconcile()));
        assertEquals(cents(10), primarySpent("l"));

        primary.down();
        spend(new Call("l").limits(DOLLAR), cents(10), T0 + 2);
        primary.up();
        assertEquals(0, await(ledger.reconcile()));
        assertEquals(cents(20), primarySpent("l"));
    }

    @Test
    void sliceIsNotRenewedWhileALocalCallIsInFlight() {
        primary.down();
        Reservation inFlight = allowed(reserve(new Call("l").worst(cents(6)).limits(DOLLAR), T0)).reservation();
        primary.up();
        assertEquals(0, await(ledger.reconcile()));
        primary.down();
        refused(reserve(new Call("l").worst(cents(6)).limits(DOLLAR), T0 + 1), RefusalReason.BUDGET_EXCEEDED);
        settle(inFlight, cents(6), T0 + 2);
        primary.up();
        assertEquals(0, await(ledger.reconcile()));
        assertEquals(cents(6), primarySpent("l"));
        primary.down();
        allowed(reserve(new Call("l").worst(cents(10)).limits(DOLLAR), T0 + 3));
    }

    @Test
    void adminOperationsFailWhileThePrimaryIsDown() {
        primary.down();
        Await.failure(ledger.status("l"));
        Await.failure(ledger.loops());
        Await.failure(ledger.pause("l", "why", "alice", T0));
        Await.failure(ledger.resume("l", "why", "alice", T0));
        Await.failure(ledger.setLimits("l", DOLLAR));
        Await.failure(ledger.charge("l", "total", 1, 0, DOLLAR, T0));
        primary.up();
        assertEquals(LoopState.ACTIVE, await(ledger.status("l")).state(), "nothing was done while down");
    }

    @Test
    void loopPausedInThePrimaryStaysPausedDuringAnOutage() {
        await(ledger.pause("l", "looks stuck", "alice", T0));
        primary.down();
        Refused refused = refused(reserve(new Call("l"), T0 + 1), RefusalReason.LOOP_PAUSED);
        assertEquals(new Trip("l", Breaker.MANUAL, "looks stuck", T0), refused.trip());
        assertEquals(refused.trip(), await(ledger.peek("l", null, DOLLAR, BreakerSettings.OFF, T0 + 2)).pausedBy());
    }

    @Test
    void breakerTrippedInTheSliceIsRecordedInThePrimaryOnRecovery() {
        primary.down();
        Call same = new Call("l").hash("h").breakers(new BreakerSettings(0, 2, 0, 0));
        allowed(reserve(same, T0));
        Trip trip = refused(reserve(same, T0 + 1), RefusalReason.LOOP_PAUSED).trip();
        assertEquals(Breaker.NO_PROGRESS, trip.breaker());

        primary.up();
        assertEquals(0, await(ledger.reconcile()));
        LoopStatus status = await(ledger.status("l"));
        assertEquals(LoopState.PAUSED, status.state());
        assertEquals("the no_progress breaker tripped while the budget store was unreachable: same request sent 2 times"
                + " within 600000 ms (limit 2)", status.pausedBy().reason());
        assertEquals(new LoopEvent("pause", Breaker.MANUAL, status.pausedBy().reason(), "loopgate", T0 + 1),
                status.history().get(0));
    }

    @Test
    void peekFallsBackToTheSlicesFacts() {
        primary.down();
        allowed(reserve(new Call("l").worst(cents(5)).hash("h").limits(DOLLAR), T0));
        LoopFacts facts = await(ledger.peek("l", "h", DOLLAR, BreakerSettings.OFF, T0 + 1));
        assertEquals(new LoopFacts(null, 0.5, 1), facts);
    }

    @Test
    void expireReservationsRunsOnBoth() {
        allowed(reserve(new Call("l").worst(cents(1)), T0));
        primary.down();
        allowed(reserve(new Call("l").worst(cents(2)), T0));
        primary.up();
        assertEquals(2, await(ledger.expireReservations(T0 + TTL)));
        assertEquals(cents(3), primarySpent("l"), "the slice's expired reservation was replayed");
    }

    @Test
    void sliceMustBeAFractionOfTheBudget() {
        for (double slice : new double[] {0, -0.1, 1.01, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> new SlicedBudgetLedger(primary, slice, TTL, clock));
        }
        new SlicedBudgetLedger(primary, 1, TTL, clock);
    }

    private BudgetDecision reserve(Call call, long nowMillis) {
        return await(ledger.reserve(call.at(nowMillis)));
    }

    private SettleResult settle(Reservation reservation, long actualNanos, long nowMillis) {
        return await(ledger.settle(reservation, new Settlement(actualNanos, reservation.reservedTokens(), false),
                BudgetLimits.NONE, BreakerSettings.OFF, nowMillis));
    }

    /** Reserves and settles {@code nanos}: in the primary while it is up, else in the slice. */
    private void spend(Call call, long nanos, long nowMillis) {
        Reservation held = allowed(reserve(call.worst(nanos), nowMillis)).reservation();
        await(ledger.settle(held, new Settlement(nanos, 10, false), DOLLAR, BreakerSettings.OFF, nowMillis));
    }

    /** The loop's spend in the primary's current bucket, read directly (the clock says when). */
    private long primarySpent(String loopId) {
        return await(primary.real().status(loopId)).spentNanos();
    }
}

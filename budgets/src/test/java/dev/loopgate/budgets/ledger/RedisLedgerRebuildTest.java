package dev.loopgate.budgets.ledger;

import static dev.loopgate.budgets.ledger.BudgetLedgerContract.T0;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.TTL;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.USD;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.allowed;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.cents;
import static dev.loopgate.budgets.ledger.BudgetLedgerContract.usdLimit;
import static dev.loopgate.budgets.testkit.Await.failure;
import static dev.loopgate.budgets.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.ledger.LoopHistory.Spend;
import dev.loopgate.budgets.ledger.internal.RedisBudgetLedger;
import dev.loopgate.budgets.testkit.Await;
import dev.loopgate.budgets.testkit.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Redis that lost the ledger (its keys deleted, as a restart without persistence or a flush
 * leaves it) on the real Redis: the ledger is written back from its history before it reserves
 * again, one replica rebuilds while the others wait, and a call reserved before the loss is
 * charged once when it settles after.
 */
class RedisLedgerRebuildTest {
    private static final BudgetLimits DOLLAR = usdLimit(USD);
    private static final Trip TRIPPED = new Trip("p", Breaker.HARD_BUDGET, "spent $1 of the $1 budget", T0 - 5_000);
    private static final BudgetLimits OVERRIDE = new BudgetLimits(2 * USD, 0, 0, 0, Period.TOTAL);
    private static final LedgerSnapshot HISTORY = new LedgerSnapshot(List.of(
            new LoopHistory("l", new Spend(cents(80), 800), new Spend(cents(80), 800), new Spend(cents(80), 800), 7,
                    T0 - 60_000, null, null),
            new LoopHistory("p", new Spend(USD, 10), Spend.NONE, new Spend(USD, 10), 3, T0 - 90_000, TRIPPED,
                    OVERRIDE)),
            Map.of("k", cents(50)));
    private static TestRedis redis;

    private final String namespace = TestRedis.freshNamespace();
    private final TestClock clock = new TestClock(T0);
    private final List<RedisBudgetLedger> opened = new ArrayList<>();

    /** A history the test answers: each read gets the future in {@code next}, by default {@link #HISTORY}. */
    private static final class ScriptedHistory implements LedgerHistory {
        volatile CompletableFuture<LedgerSnapshot> next = CompletableFuture.completedFuture(HISTORY);
        final AtomicInteger reads = new AtomicInteger();
        final List<String> restoredEpochs = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<LedgerSnapshot> read(long nowMillis) {
            reads.incrementAndGet();
            return next;
        }

        @Override
        public void restored(LedgerSnapshot snapshot, String epoch, long nowMillis) {
            restoredEpochs.add(epoch);
        }
    }

    @BeforeAll
    static void connect() {
        redis = TestRedis.connect();
    }

    @AfterAll
    static void disconnect() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void deleteNamespace() {
        opened.forEach(ledger -> result(ledger.closeAsync()));
        redis.deleteNamespace(namespace);
    }

    @Test
    void aLostLedgerIsWrittenBackFromItsHistoryBeforeItReservesAgain() {
        RedisBudgetLedger before = ready(open(LedgerHistory.NONE));
        allowed(result(before.reserve(new Call("l").worst(cents(10)).at(T0))));
        redis.deleteNamespace(namespace);

        ScriptedHistory history = new ScriptedHistory();
        RedisBudgetLedger after = ready(open(history));
        assertEquals(1, history.reads.get());
        assertEquals(1, history.restoredEpochs.size());

        LoopStatus l = result(after.status("l"));
        assertEquals(cents(80), l.spentNanos());
        assertEquals(800, l.tokens());
        assertEquals(7, l.steps());
        assertEquals(T0 - 60_000, l.firstCallMillis());
        assertEquals(LoopState.ACTIVE, l.state());
        assertEquals(LoopEvent.RESTORE, l.history().get(0).kind());

        BudgetDecision tooMuch = result(after.reserve(new Call("l").worst(cents(30)).limits(DOLLAR).at(T0 + 1)));
        assertEquals(RefusalReason.BUDGET_EXCEEDED, assertInstanceOf(BudgetDecision.Refused.class, tooMuch).reason(),
                "the 80 cents spent before the loss still count");
        allowed(result(after.reserve(new Call("l").worst(cents(20)).limits(DOLLAR).at(T0 + 2))));

        LoopStatus p = result(after.status("p"));
        assertEquals(LoopState.PAUSED, p.state(), "a loop paused before the loss stays paused");
        assertEquals(TRIPPED, p.pausedBy());
        assertEquals(OVERRIDE, p.override());
        assertEquals(USD, p.spentNanos());
        BudgetDecision paused = result(after.reserve(new Call("p").worst(cents(1)).at(T0 + 3)));
        assertEquals(RefusalReason.LOOP_PAUSED, assertInstanceOf(BudgetDecision.Refused.class, paused).reason());

        BudgetDecision keyCapped = result(after.reserve(new Call("l").worst(cents(20)).key("k", cents(60)).at(T0 + 4)));
        assertEquals(RefusalReason.KEY_CAP_EXCEEDED, assertInstanceOf(BudgetDecision.Refused.class, keyCapped).reason(),
                "the key's 50 cents of today count against its 60-cent cap");
        assertEquals(List.of("l", "p"), result(after.loops()).stream().map(LoopStatus::loopId).sorted().toList());

        RedisBudgetLedger replica = ready(open(new ScriptedHistory()));
        assertEquals(cents(80), result(replica.status("l")).spentNanos(), "a second replica finds the ledger");
        assertEquals(1, history.reads.get(), "the ledger is rebuilt once, not by every replica");
    }

    @Test
    void reservesAreRefusedDuringALongRebuildAndSettlesWaitForIt() {
        RedisBudgetLedger before = ready(open(LedgerHistory.NONE));
        Reservation held = allowed(result(before.reserve(new Call("l").worst(cents(10)).limits(DOLLAR).at(T0))))
                .reservation();
        redis.deleteNamespace(namespace);

        ScriptedHistory history = new ScriptedHistory();
        history.next = new CompletableFuture<>();
        RedisBudgetLedger rebuilding = open(history);
        CompletionStage<Void> ready = rebuilding.ready();
        Await.until("the rebuild reads the history", () -> history.reads.get() == 1);

        Throwable refused = failure(rebuilding.reserve(new Call("l").worst(cents(1)).at(T0 + 1)));
        assertInstanceOf(LedgerRebuildingException.class, refused);
        CompletionStage<SettleResult> settling = rebuilding.settle(held, new Settlement(cents(4), 40, false), DOLLAR,
                BreakerSettings.OFF, T0 + 2);
        assertFalse(settling.toCompletableFuture().isDone(), "a settle waits for the rebuild");

        RedisBudgetLedger waiting = open(new ScriptedHistory());
        CompletionStage<LoopStatus> statusMeanwhile = waiting.status("l");

        history.next.complete(HISTORY);
        result(ready);
        assertEquals(cents(84), result(settling).spentNanos(),
                "the call reserved before the loss is charged its actual cost on top of the history");
        assertTrue(result(statusMeanwhile).spentNanos() >= cents(80), "the other replica served once it was rebuilt");
        assertEquals(cents(84), result(waiting.status("l")).spentNanos());
        assertEquals(cents(84), result(rebuilding.status("l")).spentNanos());
        result(rebuilding.settle(held, new Settlement(cents(4), 40, false), DOLLAR, BreakerSettings.OFF, T0 + 3));
        assertEquals(cents(84), result(rebuilding.status("l")).spentNanos(),
                "a reservation from before the loss is charged once, however often it is settled");
    }

    @Test
    void aFailedRebuildRefusesUntilARetrySucceeds() {
        ScriptedHistory history = new ScriptedHistory();
        history.next = CompletableFuture.failedFuture(new IllegalStateException("audit store down"));
        RedisBudgetLedger ledger = open(history);
        assertEquals("audit store down", failure(ledger.ready()).getMessage());
        assertInstanceOf(LedgerRebuildingException.class, failure(ledger.reserve(new Call("l").at(T0))),
                "until the ledger is rebuilt, reserves are refused as rebuilding, not served from zero");
        history.next = CompletableFuture.completedFuture(HISTORY);
        Await.until("a later operation rebuilds", () -> ledger.ready().toCompletableFuture()
                .handle((done, failed) -> failed == null).join());
        assertEquals(cents(80), result(ledger.status("l")).spentNanos());
        assertNull(result(ledger.status("l")).pausedBy());
        assertTrue(history.reads.get() >= 2);
        assertEquals(1, history.restoredEpochs.size());
    }

    @Test
    void aFlushIsNoticedWhileCallsFlow() {
        ScriptedHistory history = new ScriptedHistory();
        history.next = CompletableFuture.completedFuture(LedgerSnapshot.EMPTY);
        RedisBudgetLedger ledger = ready(open(history));
        history.next = CompletableFuture.completedFuture(HISTORY);
        redis.deleteNamespace(namespace);
        Await.until("the ledger notices the missing marker and rebuilds", () -> {
            ledger.status("l").toCompletableFuture().handle((status, failed) -> null).join();
            return history.reads.get() == 2;
        });
        Await.until("the rebuilt spend is served", () -> result(ledger.status("l")).spentNanos() == cents(80));
    }

    private RedisBudgetLedger open(LedgerHistory history) {
        RedisBudgetLedger ledger = BudgetLedgers.redis(redis.link(), namespace, TTL, clock, history);
        opened.add(ledger);
        return ledger;
    }

    private static RedisBudgetLedger ready(RedisBudgetLedger ledger) {
        result(ledger.ready());
        return ledger;
    }
}

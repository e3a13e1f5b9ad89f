package dev.loopgate.budgets.approvals;

import static dev.loopgate.budgets.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.FakeClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ApprovalStore} does: a held answer kept whole with its calls, found by its
 * loop's request, decided once by one of any number of concurrent deciders, and handed out once.
 * Time is passed in (or the test's clock), never read.
 */
abstract class ApprovalStoreContract {
    protected static final long T0 = 1_796_000_000_000L;
    protected final FakeClock clock = new FakeClock(Instant.ofEpochMilli(T0));
    private final List<ApprovalStore> opened = new ArrayList<>();

    protected abstract ApprovalStore newStore(FakeClock clock);

    protected ApprovalStore store() {
        ApprovalStore store = newStore(clock);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(ApprovalStore::close);
    }

    protected static Approval pending(String loop, String run, String request, long at) {
        return Approval.pending(ApprovalIds.next(), loop, run, request,
                List.of(new HeldCall("Bash", "{\"command\":\"git push origin main\"}"),
                        new HeldCall("Write", "{\"path\":\"a.txt\"}")),
                "{\"id\":\"msg_1\",\"content\":[]}", "application/json", at);
    }

    @Test
    void aHeldAnswerComesBackWholeWithEveryField() {
        ApprovalStore store = store();
        String stream = ("event: content_block_delta\ndata: {\"text\":\"héllo ✓ \\n\"}\n\n").repeat(4000);
        Approval held = Approval.pending(ApprovalIds.next(), "loop-a", "run-1", "req-1",
                List.of(new HeldCall("Bash", "{\"command\":\"rm -rf build\"}")), stream, "text/event-stream", T0);
        result(store.hold(held));
        assertEquals(held, result(store.get(held.id())).orElseThrow());
        Approval runless = pending("loop-a", null, "req-2", T0);
        result(store.hold(runless));
        assertEquals(runless, result(store.get(runless.id())).orElseThrow());
        assertEquals(Optional.empty(), result(store.get(ApprovalIds.next())));
    }

    @Test
    void theLatestApprovalOfALoopsRequestIsFoundByIt() {
        ApprovalStore store = store();
        Approval first = pending("loop-a", null, "req-1", T0);
        Approval second = pending("loop-a", null, "req-1", T0 + 5);
        result(store.hold(first));
        result(store.hold(second));
        assertEquals(second.id(), result(store.forRequest("loop-a", "req-1")).orElseThrow().id());
        assertEquals(Optional.empty(), result(store.forRequest("loop-b", "req-1")), "another loop's request is its own");
        assertEquals(Optional.empty(), result(store.forRequest("loop-a", "req-9")));
    }

    @Test
    void approvalsAreListedNewestFirstByState() {
        ApprovalStore store = store();
        Approval old = pending("loop-a", null, "r1", T0);
        Approval mid = pending("loop-a", null, "r2", T0 + 10);
        Approval recent = pending("loop-b", null, "r3", T0 + 20);
        for (Approval approval : List.of(mid, old, recent)) {
            result(store.hold(approval));
        }
        result(store.decide(mid.id(), false, "no", "ops", T0 + 30));
        assertEquals(List.of(recent.id(), mid.id(), old.id()), ids(result(store.list(null, 100))));
        assertEquals(List.of(recent.id(), old.id()), ids(result(store.list(ApprovalState.PENDING, 100))));
        assertEquals(List.of(mid.id()), ids(result(store.list(ApprovalState.REJECTED, 100))));
        assertEquals(List.of(recent.id()), ids(result(store.list(null, 1))));
    }

    @Test
    void aDecisionIsRecordedAndStands() {
        ApprovalStore store = store();
        Approval held = pending("loop-a", "run-1", "req-1", T0);
        result(store.hold(held));
        ApprovalDecision.Decided decided = assertInstanceOf(ApprovalDecision.Decided.class,
                result(store.decide(held.id(), true, "read-only push", "ops", T0 + 100)));
        assertEquals(ApprovalState.APPROVED, decided.approval().state());
        assertEquals("read-only push", decided.approval().reason());
        assertEquals("ops", decided.approval().decidedBy());
        assertEquals(T0 + 100, decided.approval().decidedMillis());
        assertEquals(held.calls(), decided.approval().calls());

        ApprovalDecision.AlreadyDecided again = assertInstanceOf(ApprovalDecision.AlreadyDecided.class,
                result(store.decide(held.id(), false, "changed my mind", "sec", T0 + 200)));
        assertEquals(decided.approval(), again.approval(), "the first decision is kept");
        assertEquals(decided.approval(), result(store.get(held.id())).orElseThrow());
        assertInstanceOf(ApprovalDecision.Unknown.class, result(store.decide(ApprovalIds.next(), true, "x", "ops", T0)));
    }

    @Test
    void ofConcurrentDecidersExactlyOneWins() {
        ApprovalStore store = store();
        Approval held = pending("loop-a", null, "req-1", T0);
        result(store.hold(held));
        List<CompletableFuture<ApprovalDecision>> decisions = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            decisions.add(store.decide(held.id(), i % 2 == 0, "reason " + i, "admin-" + i, T0 + i).toCompletableFuture());
        }
        assertEquals(1, decisions.stream().filter(d -> result(d) instanceof ApprovalDecision.Decided).count());
        assertEquals(7, decisions.stream().filter(d -> result(d) instanceof ApprovalDecision.AlreadyDecided).count());
    }

    @Test
    void anApprovedAnswerIsHandedOutOnceAndOnlyOnceApproved() {
        ApprovalStore store = store();
        Approval held = pending("loop-a", null, "req-1", T0);
        result(store.hold(held));
        assertEquals(Optional.empty(), result(store.claim(held.id(), T0 + 1)), "not while pending");
        result(store.decide(held.id(), true, "fine", "ops", T0 + 2));
        List<CompletableFuture<Optional<Approval>>> claims = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            claims.add(store.claim(held.id(), T0 + 3).toCompletableFuture());
        }
        List<Approval> claimed = claims.stream().map(c -> result(c)).flatMap(Optional::stream).toList();
        assertEquals(1, claimed.size(), "exactly one caller gets it");
        assertEquals(held.answer(), claimed.get(0).answer());
        assertEquals(ApprovalState.DELIVERED, claimed.get(0).state());
        assertEquals(ApprovalState.DELIVERED, result(store.get(held.id())).orElseThrow().state());
    }

    @Test
    void aRejectedAnswerIsNeverHandedOut() {
        ApprovalStore store = store();
        Approval held = pending("loop-a", null, "req-1", T0);
        result(store.hold(held));
        result(store.decide(held.id(), false, "not on main", "ops", T0 + 1));
        assertEquals(Optional.empty(), result(store.claim(held.id(), T0 + 2)));
        assertEquals(ApprovalState.REJECTED, result(store.forRequest("loop-a", "req-1")).orElseThrow().state());
    }

    @Test
    void badIdsAreRefused() {
        ApprovalStore store = store();
        assertThrows(IllegalArgumentException.class, () -> store.get("apr_../../x"));
        assertThrows(IllegalArgumentException.class, () -> ApprovalIds.check("apr_123"));
        assertNotEquals(ApprovalIds.next(), ApprovalIds.next());
        assertTrue(ApprovalIds.next().matches("apr_[0-9a-f]{24}"));
    }

    private static List<String> ids(List<Approval> approvals) {
        return approvals.stream().map(Approval::id).toList();
    }
}

package dev.loopgate.budgets.approvals;

import static dev.loopgate.budgets.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.FakeClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract in this process; and its retention, on the test's clock. */
class InMemoryApprovalStoreTest extends ApprovalStoreContract {
    @Override
    protected ApprovalStore newStore(FakeClock clock) {
        return ApprovalStores.inMemory(clock);
    }

    @Test
    void anApprovalIsForgottenItsRetentionAfterItsLatestChange() {
        ApprovalStore store = store();
        Approval held = pending("loop-a", null, "req-1", T0);
        result(store.hold(held));
        clock.advance(Duration.ofDays(30));
        result(store.decide(held.id(), true, "ok", "ops", clock.millis()));
        clock.advance(Duration.ofDays(30));
        assertTrue(result(store.get(held.id())).isPresent(), "a decision counts as a change");
        clock.advance(Duration.ofDays(2));
        assertEquals(Optional.empty(), result(store.get(held.id())));
        assertEquals(Optional.empty(), result(store.forRequest("loop-a", "req-1")));
    }
}

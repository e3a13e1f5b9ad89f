package dev.loopgate.budgets.idempotency.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.idempotency.IdempotencyClaim;
import dev.loopgate.budgets.idempotency.IdempotencyStore;
import dev.loopgate.budgets.idempotency.IdempotencyStoreContract;
import dev.loopgate.budgets.testkit.Await;
import dev.loopgate.budgets.testkit.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryIdempotencyStoreTest extends IdempotencyStoreContract {
    @Override
    protected IdempotencyStore newStore(FakeClock clock, Duration ttl, Duration lease) {
        return new InMemoryIdempotencyStore(clock, ttl, lease, 1_000);
    }

    @Override
    protected void letPass(Duration duration) {
        clock.advance(duration);
    }

    @Override
    protected int waiting(IdempotencyStore store) {
        return ((InMemoryIdempotencyStore) store).waiting();
    }

    @Test
    void theNumberOfSlotsIsBoundedOldestFirst() {
        InMemoryIdempotencyStore small = new InMemoryIdempotencyStore(clock, TTL, LEASE, 3);
        try {
            String oldest = own(small, "scope-0", BODY);
            for (int i = 1; i < 5; i++) {
                own(small, "scope-" + i, BODY);
            }
            assertEquals(3, small.size());
            assertFalse(Await.result(small.complete("scope-0", oldest, answer("dropped"))),
                    "a dropped slot's owner no longer owns it");
            assertInstanceOf(IdempotencyClaim.InFlight.class,
                    Await.result(small.claim("scope-4", BODY, Duration.ZERO)), "the newest is kept");
        } finally {
            small.close();
        }
    }

    @Test
    void expiredSlotsAreDroppedAsNewOnesArrive() {
        InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock, Duration.ofMinutes(1), LEASE, 1_000);
        try {
            for (int i = 0; i < 10; i++) {
                Await.result(store.complete("scope-" + i, own(store, "scope-" + i, BODY), answer("a")));
            }
            clock.advance(Duration.ofMinutes(1));
            own(store, "fresh", BODY);
            assertEquals(1, store.size());
        } finally {
            store.close();
        }
    }

    @Test
    void aRenewedLeaseRunsFromTheRenewal() {
        IdempotencyStore shortLease = store(TTL, Duration.ofSeconds(10));
        String owner = own(shortLease, SCOPE, BODY);
        clock.advance(Duration.ofSeconds(8));
        assertTrue(Await.result(shortLease.renew(SCOPE, owner)));
        clock.advance(Duration.ofSeconds(8));

        assertInstanceOf(IdempotencyClaim.InFlight.class, Await.result(shortLease.claim(SCOPE, BODY, Duration.ZERO)),
                "16 s after the claim, 8 s after the renewal: still owned");
        clock.advance(Duration.ofSeconds(3));
        assertInstanceOf(IdempotencyClaim.First.class, Await.result(shortLease.claim(SCOPE, BODY, Duration.ZERO)),
                "past the renewed lease the slot is free");
    }
}

package dev.loopgate.budgets.idempotency.internal;

import dev.loopgate.budgets.idempotency.IdempotencyClaim;
import dev.loopgate.budgets.idempotency.IdempotencyStore;
import dev.loopgate.budgets.idempotency.StoredAnswer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Idempotency for one process. Slots live in a map bounded to {@code maxEntries} (the oldest
 * is dropped first) and expire by the injected clock: answers after the time to live, running
 * claims after the lease. A claim that finds the call running registers a signal that is
 * completed when the owner completes or abandons (or the slot is dropped), then looks again:
 * no polling. The wait itself is real time; when it runs out the claim looks a last time (a
 * lease that lapsed meanwhile makes it the owner), then answers {@code InFlight}.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private final Clock clock;
    private final Duration ttl;
    private final Duration lease;
    private final int maxEntries;
    /** Insertion order; a slot that changes state is put again, so the front is roughly the oldest. */
    private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>();
    /** Claims waiting for a running call, by scope. */
    private final Waiters waiters = new Waiters();
    private boolean closed;

    private sealed interface Slot permits Running, Answered {
        String bodyHash();

        Instant expiresAt();
    }

    private record Running(String token, String bodyHash, Instant expiresAt) implements Slot {
    }

    private record Answered(String bodyHash, StoredAnswer answer, Instant expiresAt) implements Slot {
    }

    /**
     * @param clock      when answers and leases expire
     * @param ttl        how long an answer is kept
     * @param lease      how long a claim owns a slot without completing or abandoning
     * @param maxEntries how many slots are kept at most
     */
    public InMemoryIdempotencyStore(Clock clock, Duration ttl, Duration lease, int maxEntries) {
        this.clock = Objects.requireNonNull(clock, "clock");
        Arguments.checkTimes(ttl, lease);
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        this.ttl = ttl;
        this.lease = lease;
        this.maxEntries = maxEntries;
    }

    @Override
    public CompletionStage<IdempotencyClaim> claim(String scope, String bodyHash, Duration wait) {
        Arguments.checkClaim(scope, bodyHash, wait);
        return attempt(scope, bodyHash, System.nanoTime() + wait.toNanos());
    }

    private CompletionStage<IdempotencyClaim> attempt(String scope, String bodyHash, long deadlineNanos) {
        CompletableFuture<Void> ended;
        List<String> dropped = new ArrayList<>();
        try {
            synchronized (this) {
                if (closed) {
                    return CompletableFuture.failedFuture(new IllegalStateException("the idempotency store is closed"));
                }
                Slot slot = live(scope, dropped);
                if (slot == null) {
                    String token = UUID.randomUUID().toString();
                    put(scope, new Running(token, bodyHash, clock.instant().plus(lease)), dropped);
                    return CompletableFuture.completedFuture(new IdempotencyClaim.First(token));
                }
                if (!slot.bodyHash().equals(bodyHash)) {
                    return CompletableFuture.completedFuture(new IdempotencyClaim.Conflict());
                }
                if (slot instanceof Answered answered) {
                    return CompletableFuture.completedFuture(new IdempotencyClaim.Replay(answered.answer()));
                }
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    return CompletableFuture.completedFuture(new IdempotencyClaim.InFlight());
                }
                // Registered under the lock that end() takes, so the owner's end cannot be missed.
                ended = waiters.register(scope);
                ended.completeOnTimeout(null, remaining, TimeUnit.NANOSECONDS);
            }
        } finally {
            dropped.forEach(waiters::signal);
        }
        // The owner ending, or the wait running out, both lead to one more look.
        return ended.thenCompose(ignored -> {
            waiters.unregister(scope, ended);
            return attempt(scope, bodyHash, deadlineNanos);
        });
    }

    @Override
    public CompletionStage<Boolean> complete(String scope, String token, StoredAnswer answer) {
        Arguments.checkOwner(scope, token);
        Objects.requireNonNull(answer, "answer");
        return end(scope, token, answer);
    }

    @Override
    public CompletionStage<Boolean> abandon(String scope, String token) {
        Arguments.checkOwner(scope, token);
        return end(scope, token, null);
    }

    @Override
    public CompletionStage<Boolean> renew(String scope, String token) {
        Arguments.checkOwner(scope, token);
        List<String> dropped = new ArrayList<>();
        try {
            synchronized (this) {
                if (closed) {
                    return CompletableFuture.failedFuture(new IllegalStateException("the idempotency store is closed"));
                }
                if (!(live(scope, dropped) instanceof Running running) || !running.token().equals(token)) {
                    return CompletableFuture.completedFuture(false);
                }
                slots.remove(scope); // to the back, where the latest expiries are
                slots.put(scope, new Running(token, running.bodyHash(), clock.instant().plus(lease)));
                return CompletableFuture.completedFuture(true);
            }
        } finally {
            dropped.forEach(waiters::signal);
        }
    }

    /** Replaces the owner's running slot by its answer, or removes it when {@code answer} is null. */
    private CompletionStage<Boolean> end(String scope, String token, StoredAnswer answer) {
        List<String> dropped = new ArrayList<>();
        try {
            synchronized (this) {
                if (closed) {
                    return CompletableFuture.failedFuture(new IllegalStateException("the idempotency store is closed"));
                }
                if (!(live(scope, dropped) instanceof Running running) || !running.token().equals(token)) {
                    return CompletableFuture.completedFuture(false);
                }
                slots.remove(scope);
                dropped.add(scope);
                if (answer != null) {
                    put(scope, new Answered(running.bodyHash(), answer, clock.instant().plus(ttl)), dropped);
                }
                return CompletableFuture.completedFuture(true);
            }
        } finally {
            dropped.forEach(waiters::signal);
        }
    }

    /** How many claims are waiting for a running call now (for tests). */
    public int waiting() {
        return waiters.count();
    }

    /** How many slots are held now (for tests of the bound). */
    public synchronized int size() {
        return slots.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            slots.clear();
        }
        waiters.signalAll(); // waiting claims look again and fail: closed
    }

    /** The slot unless it has expired (then it is removed); the scopes of running slots removed go to {@code dropped}. */
    private Slot live(String scope, List<String> dropped) {
        Slot slot = slots.get(scope);
        if (slot != null && !clock.instant().isBefore(slot.expiresAt())) {
            slots.remove(scope);
            if (slot instanceof Running) {
                dropped.add(scope);
            }
            return null;
        }
        return slot;
    }

    /** Puts at the back, then drops expired slots from the front and the oldest past the bound. */
    private void put(String scope, Slot slot, List<String> dropped) {
        slots.put(scope, slot);
        Instant now = clock.instant();
        Iterator<Map.Entry<String, Slot>> oldestFirst = slots.entrySet().iterator();
        int size = slots.size();
        while (oldestFirst.hasNext()) {
            Map.Entry<String, Slot> oldest = oldestFirst.next();
            boolean expired = !now.isBefore(oldest.getValue().expiresAt());
            if (!expired && size <= maxEntries) {
                return;
            }
            oldestFirst.remove();
            size--;
            if (oldest.getValue() instanceof Running) {
                dropped.add(oldest.getKey());
            }
        }
    }
}

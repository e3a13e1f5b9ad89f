package dev.loopgate.budgets.idempotency;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Remembers the first answer per idempotency scope (key name + loop + {@code Idempotency-Key})
 * with a hash of the request body, for a time to live (24 h by default).
 *
 * <p>A claim makes the caller the owner for a lease: if the owner neither completes nor
 * abandons in time (it crashed, or its call outlived the lease), the slot is free again and
 * the next claim owns it; the old owner's token then no longer completes anything. The lease is
 * short (seconds), so a crashed owner frees its slot soon; a live owner {@link #renew}s it while
 * its call runs.
 *
 * <p>Made by {@link IdempotencyStores}. Returned stages may complete on the store's own threads;
 * callers move back to their own context before touching their state. A stage fails only when
 * the store cannot work (Redis unreachable, store closed).
 */
public interface IdempotencyStore extends AutoCloseable {
    /**
     * Claims the slot, or returns the stored answer, waiting up to {@code wait} for one in flight.
     * A claim with another body than the slot's is a {@link IdempotencyClaim.Conflict} at once,
     * in flight or answered. While waiting, an owner that abandons (or whose lease lapses) makes
     * this claim the next owner.
     *
     * @param scope    {@code keyName + "\n" + loopId + "\n" + idempotencyKey}; any characters
     * @param bodyHash a hash of the request body (e.g. SHA-256 hex); non-blank, no whitespace
     * @param wait     how long to wait for a call in flight; zero answers {@code InFlight} at once
     * @throws IllegalArgumentException at once (not through the stage) for an empty scope, a blank
     *         body hash or one with whitespace, or a negative wait
     */
    CompletionStage<IdempotencyClaim> claim(String scope, String bodyHash, Duration wait);

    /**
     * Stores the owner's answer for the time to live and wakes those waiting for it.
     *
     * @return {@code true} if stored; {@code false} if {@code token} no longer owns the slot
     *         (lease lapsed, abandoned, or another owner took over): nothing was changed
     */
    CompletionStage<Boolean> complete(String scope, String token, StoredAnswer answer);

    /**
     * The owner's call failed before an answer: frees the slot so the next claim may run it.
     *
     * @return {@code true} if freed; {@code false} if {@code token} no longer owns the slot
     */
    CompletionStage<Boolean> abandon(String scope, String token);

    /**
     * The owner's call still runs: its lease starts again from now.
     *
     * @return {@code true} if renewed; {@code false} if {@code token} no longer owns the slot
     */
    CompletionStage<Boolean> renew(String scope, String token);

    /** Releases the store's connections; waiting claims fail. Does not block. */
    @Override
    void close();
}

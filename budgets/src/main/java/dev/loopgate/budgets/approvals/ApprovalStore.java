package dev.loopgate.budgets.approvals;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Answers held for a human's approval of the tool calls in them. Deciding and claiming are
 * atomic: of two admins deciding at once one wins, and an approved answer is handed to exactly
 * one caller. Everything is forgotten {@link ApprovalStores#RETENTION} after its latest change.
 * {@code ApprovalStoreContract} holds every implementation to this.
 */
public interface ApprovalStore extends AutoCloseable {
    /** How many approvals a listing gives at most: the newest. */
    int MAX_LISTED = 1000;

    /** Keeps a pending approval, as the latest held for its loop's request. */
    CompletionStage<Void> hold(Approval pending);

    CompletionStage<Optional<Approval>> get(String id);

    /** The latest approval held for this request of the loop. */
    CompletionStage<Optional<Approval>> forRequest(String loopId, String requestHash);

    /** Approvals in {@code state} (null: any), newest first, at most {@code limit} (and {@link #MAX_LISTED}). */
    CompletionStage<List<Approval>> list(ApprovalState state, int limit);

    /** Approves or rejects a pending approval; one already decided is left as it is. */
    CompletionStage<ApprovalDecision> decide(String id, boolean approve, String reason, String by, long nowMillis);

    /** Hands out an approved answer (it becomes DELIVERED) to exactly one caller; empty for any other state. */
    CompletionStage<Optional<Approval>> claim(String id, long nowMillis);

    @Override
    void close();
}
